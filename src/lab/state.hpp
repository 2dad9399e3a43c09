// What a running lab is, and how it is remembered between processes.
//
// LabInfo describes one lab: its flavour (an MIT KDC, or a Samba Active Directory domain
// controller), folder, realm, KDC (address, port, pid), user and password, services, paths
// and the environment that points MIT tools and authctx at it; an AD lab adds its DC (address,
// host name, ports, LDAP signing), Administrator's password file and its accounts with their
// SPNs, kvno, supported enctypes and delegation flags. `lab up` saves it as DIR/lab.json
// (0600); `lab env`, `lab down` and `lab ad` load it from there, in other processes.
// to_document() is the `lab up` JSON of the contract (an AD lab's has every key of an MIT
// lab's, so consumers of the MIT lab's JSON work unchanged). load_state() refuses a folder
// without a valid lab.json (util::setup_error "lab_not_found"), which is what keeps
// `lab down` from removing a folder that is not a lab.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/config.hpp"

namespace authctx::lab {

inline constexpr const char* k_state_schema = "authctx/lab-state/1";

enum class Flavour { mit, samba };
std::string_view flavour_name(Flavour f);

// userAccountControl bits the lab reads and sets ([MS-ADTS] 2.2.16).
inline constexpr std::uint32_t k_uac_trusted_for_delegation = 0x80000;
inline constexpr std::uint32_t k_uac_not_delegated = 0x100000;  // "sensitive and cannot be delegated"
inline constexpr std::uint32_t k_uac_trusted_to_auth_for_delegation = 0x1000000;

struct AdAccount {
  std::string name;  // sAMAccountName
  std::string role;  // "user", "service", "admin", "dc"
  std::vector<std::string> spns;
  std::uint32_t kvno = 0;
  std::optional<std::uint32_t> supported_enctypes;  // msDS-SupportedEncryptionTypes, unset: nullopt
  std::uint32_t user_account_control = 0;
};

struct DcInfo {
  std::string address;  // 127.0.0.N
  bool ldap_strong_auth = true;
};

struct LabInfo {
  Flavour flavour = Flavour::mit;
  std::filesystem::path dir;
  std::string realm = k_realm;
  std::string kdc_address = k_kdc_address;
  std::uint16_t kdc_port = 0;
  pid_t kdc_pid = 0;     // the AD lab's: the Samba DC's
  std::string user;      // alice@AUTHCTX.TEST
  std::string password;  // alice's (a throwaway lab: printed by `lab up` as the contract says)
  std::vector<std::string> services;
  std::optional<DcInfo> dc;         // AD labs only
  std::vector<AdAccount> accounts;  // AD labs only

  LabPaths paths() const { return LabPaths(dir); }
  util::Environment env() const { return lab_environment(paths()); }
  AdAccount* find_account(const std::string& name);
};

// {"value": N, "enctypes": [{"id":..,"name":..}, ...]} for msDS-SupportedEncryptionTypes.
nlohmann::ordered_json supported_enctypes_json(std::uint32_t value);
// Names of the userAccountControl flags the lab knows ("sensitive", "trusted_for_delegation", ...).
std::vector<std::string> account_flag_names(std::uint32_t uac);
nlohmann::ordered_json account_json(const LabInfo& info, const AdAccount& account);

// The `lab up` document: schema, command, flavour, dir, realm, kdc, user, services, paths,
// env; AD labs also dc, admin and accounts.
nlohmann::ordered_json to_document(const LabInfo& info);

void save_state(const LabInfo& info);
LabInfo load_state(const std::filesystem::path& dir);

// `export VAR='value'` lines (POSIX shell single-quoting) for eval.
std::string env_exports(const util::Environment& env);
std::string shell_quote(const std::string& value);

}  // namespace authctx::lab
