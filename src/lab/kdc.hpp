// The lab's MIT programs and its KDC process.
//
// find_tools() locates kdb5_util, kadmin.local (krb5-admin-server) and krb5kdc (krb5-kdc) or
// throws util::setup_error naming the Debian packages. start_kdc() runs `krb5kdc -n` (it stays
// in the foreground, so the PID we get is the KDC's) with the lab's environment and waits,
// bounded, until that PID listens on the lab's TCP port, nobody else is bound to the port
// (krb5kdc uses SO_REUSEPORT, see ports.hpp) and a TCP connection is accepted. A KDC that
// exits, or shares its port, is reported with the tail of its log; the caller may retry on
// another port. stop_kdc() signals only a PID that really is this lab's krb5kdc.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab/config.hpp"
#include "util/process.hpp"

namespace authctx::lab {

struct Tools {
  std::string kdb5_util, kadmin_local, krb5kdc;
};
Tools find_tools();

// Finds each program (util::find_program) into *out; if any is missing, throws
// util::setup_error (lab_packages_missing) "NEEDS, and these are missing: name (package), ...",
// with the hint "Install them: apt-get install INSTALL". Shared by both lab flavours.
struct Program {
  const char* name;
  const char* package;
  std::string* out;
};
void locate_programs(const std::vector<Program>& programs, const std::string& needs, const std::string& install);

// Thrown by start_kdc when the KDC could not take the port (busy, shared): worth a retry.
class PortConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Starts krb5kdc -n for the lab and waits until it serves `port`. Throws PortConflict or
// util::setup_error (KDC died / never became ready); on any throw no KDC is left running.
pid_t start_kdc(const Tools& tools, const LabPaths& paths, const util::Environment& env, std::uint16_t port,
                std::chrono::milliseconds ready_timeout = std::chrono::seconds(10));

// True if pid is a live krb5kdc started with this kdc.conf (checked via /proc/PID/cmdline and,
// when readable, KRB5_KDC_PROFILE in /proc/PID/environ), so a reused PID is never killed.
bool is_lab_kdc(pid_t pid, const std::filesystem::path& kdc_conf);

// SIGTERM, a bounded wait, then SIGKILL. Does nothing unless is_lab_kdc(pid, kdc_conf).
// Returns true if the KDC is gone afterwards (or was not running).
bool stop_kdc(pid_t pid, const std::filesystem::path& kdc_conf,
              std::chrono::milliseconds grace = std::chrono::seconds(3));

// The last lines of a log file (for error messages); empty if unreadable.
std::string log_tail(const std::filesystem::path& path, std::size_t lines = 8);

}  // namespace authctx::lab
