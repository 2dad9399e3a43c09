// Loopback addresses for Active Directory labs: one 127.0.0.N per Samba DC.
//
// Samba binds fixed ports (88, 389, 464, 636, 3268, 3269), so two DCs can only run side by
// side on different addresses; Linux answers for all of 127.0.0.0/8 on `lo` without any
// alias. claim_address() picks an N whose DC ports nothing holds (bindable() on each, which
// also catches a daemon bound to 0.0.0.0) and records a claim, so that parallel `lab up`s
// never pick the same N even before their DCs bind anything: a claim is a file named after
// the address in claims_dir(), holding the lab folder, created while holding a lock on that
// folder. A claim whose lab folder is gone, or whose lab.json names another address, or
// which is older than a lab takes to come up and still has no lab.json, is stale and is
// taken over. release_address() removes a lab's own claim (and nothing else).
// 127.0.0.1 is never used: the MIT lab's KDCs and most local daemons live there.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace authctx::lab {

// The DC's ports that must be free on an address (TCP; the first three also UDP).
inline const std::vector<std::uint16_t> k_dc_tcp_ports = {88, 389, 464, 636, 3268, 3269};
inline const std::vector<std::uint16_t> k_dc_udp_ports = {88, 389, 464};

// Where claims live: $AUTHCTX_RUN_DIR, else /run/authctx (a tmpfs: claims vanish at reboot).
std::filesystem::path claims_dir();

// Claims a free 127.0.0.N for the lab in lab_dir; throws util::setup_error
// (lab_address_busy) when none is free. `wanted`, when not empty, is the only candidate.
std::string claim_address(const std::filesystem::path& lab_dir, const std::string& wanted = {});

// Removes the claim on address if lab_dir holds it.
void release_address(const std::string& address, const std::filesystem::path& lab_dir);

// True if nothing holds any DC port on address (TCP and UDP as above).
bool dc_ports_free(const std::string& address);

}  // namespace authctx::lab
