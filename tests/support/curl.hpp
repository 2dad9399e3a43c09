// Test support: curl (a real HTTP Negotiate client) run from an argv vector with an explicit
// environment and a bound on its run time. `-w '\n%{http_code}'` is appended so the status
// of the last response is the last line of stdout.
#pragma once
#include <string>
#include <vector>

#include "util/process.hpp"

namespace authctx::test {

struct CurlRun {
  int exit_code = -1;
  int status = 0;    // HTTP status of the last response (0: none)
  std::string body;  // stdout without the status line
  std::string err;   // stderr (-v output goes here)
};

bool curl_available();
// Runs curl with args plus --max-time; env overrides apply on top of a clean PATH-only
// environment (no KRB5CCNAME unless given).
CurlRun run_curl(const std::vector<std::string>& args, const util::Environment& env, int max_seconds = 20);

}  // namespace authctx::test
