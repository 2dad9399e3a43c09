// Child processes for the lab (kdb5_util, kadmin.local, krb5kdc), `lab exec` and tests.
// Programs run from an argv vector (never through a shell) with an explicit environment.
// Every wait is bounded: run() kills the child when its timeout passes.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace authctx::util {

using Environment = std::map<std::string, std::string>;

// The current process environment with overrides applied (an empty value removes a key).
Environment current_environment(const Environment& overrides = {});

struct RunOptions {
  std::vector<std::string> argv;
  std::optional<Environment> env;  // nullopt: inherit
  std::string stdin_data;          // written to the child's stdin, then closed
  bool inherit_stdio = false;      // true: the child shares our stdin/stdout/stderr
  std::chrono::milliseconds timeout{30000};
};

struct RunResult {
  int exit_code = -1;       // exit status, or 128+signal when killed
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs a program to completion (or timeout) and captures stdout/stderr (at most 16 MiB each).
RunResult run(const RunOptions& options);

// Starts a program in the background with stdout/stderr appended to log_path; returns its PID.
pid_t spawn_background(const std::vector<std::string>& argv, const Environment& env, const std::string& log_path);

// Waits up to timeout for pid to exit; returns its exit code or nullopt if still running.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

// True if a process with this PID exists (and is not a zombie we could reap).
bool process_alive(pid_t pid);

// Finds a program on PATH or in the sbin folders (krb5kdc lives in /usr/sbin).
std::optional<std::string> find_program(const std::string& name);

// Path of the running executable (/proc/self/exe).
std::string self_executable();

}  // namespace authctx::util
