// Test support: run the built authctx binary and parse its JSON; make a throwaway lab
// realm (`authctx lab up`) that is torn down when the Lab object goes away, so no KDC
// and no folder outlive a test.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "util/process.hpp"

namespace authctx::test {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // parses out; fails the test if it is not JSON
};

// Runs the authctx binary with args; env overrides apply on top of the test's environment.
Run run_authctx(const std::vector<std::string>& args, const util::Environment& env = {},
                const std::string& stdin_data = {}, std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh temporary folder, removed (recursively) on destruction.
struct TempDir {
  std::string path;
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

class Lab {
 public:
  Lab();  // runs `authctx lab up --dir <tmp>`; fails the test if it does not come up
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const nlohmann::json& info() const { return info_; }
  const std::string& dir() const { return dir_; }
  // The lab's environment (KRB5_CONFIG, KRB5CCNAME, ...) as overrides for run_authctx.
  const util::Environment& env() const { return env_; }
  std::string path(const std::string& key) const;  // info()["paths"][key]
  // Runs authctx with the lab's environment plus extra overrides.
  Run run(const std::vector<std::string>& args, const util::Environment& extra = {},
          const std::string& stdin_data = {}) const;
  // Runs kadmin.local -q QUERY in the lab.
  util::RunResult kadmin(const std::string& query) const;

 private:
  std::string dir_;
  nlohmann::json info_;
  util::Environment env_;
};

}  // namespace authctx::test
