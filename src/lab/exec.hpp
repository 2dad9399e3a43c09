// Running a command inside a lab (`lab exec`, `lab demo`), with its stdio inherited.
//
// SignalGuard catches SIGINT, SIGTERM and SIGHUP for its lifetime (restoring the previous
// handlers afterwards) so that authctx survives them long enough to tear the lab down: it
// remembers the signal and forwards it to the running child, if any. run_foreground()
// runs argv with exactly env (PATH searched), waits for it and returns its status the way a
// shell reports it (exit code, or 128+signal); 127 if it could not be started.
#pragma once
#include <string>
#include <vector>

#include "util/process.hpp"

namespace authctx::lab {

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  // The last signal received while the guard was installed, or 0.
  int received() const;
};

int run_foreground(const std::vector<std::string>& argv, const util::Environment& env);

}  // namespace authctx::lab
