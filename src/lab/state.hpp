// What a running lab is, and how it is remembered between processes.
//
// LabInfo describes one lab: folder, realm, KDC (address, port, pid), user and password,
// services, paths and the environment that points MIT tools and authctx at it. `lab up` saves
// it as DIR/lab.json (0600); `lab env` and `lab down` load it from there, in other processes.
// to_document() is the `lab up` JSON of the contract. load_state() refuses a folder without a
// valid lab.json (util::setup_error "lab_not_found"), which is what keeps `lab down` from
// removing a folder that is not a lab.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/config.hpp"

namespace authctx::lab {

inline constexpr const char* k_state_schema = "authctx/lab-state/1";

struct LabInfo {
  std::filesystem::path dir;
  std::string realm = k_realm;
  std::string kdc_address = k_kdc_address;
  std::uint16_t kdc_port = 0;
  pid_t kdc_pid = 0;
  std::string user;      // alice@AUTHCTX.TEST
  std::string password;  // alice's (a throwaway lab: printed by `lab up` as the contract says)
  std::vector<std::string> services;

  LabPaths paths() const { return LabPaths(dir); }
  util::Environment env() const { return lab_environment(paths()); }
};

// The `lab up` document: schema, command, dir, realm, kdc, user, services, paths, env.
nlohmann::ordered_json to_document(const LabInfo& info);

void save_state(const LabInfo& info);
LabInfo load_state(const std::filesystem::path& dir);

// `export VAR='value'` lines (POSIX shell single-quoting) for eval.
std::string env_exports(const util::Environment& env);
std::string shell_quote(const std::string& value);

}  // namespace authctx::lab
