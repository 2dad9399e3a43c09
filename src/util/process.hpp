// Child processes for the lab (kdb5_util, kadmin.local, krb5kdc), `lab exec` and tests, and
// Fd, the one owner of a raw file descriptor. Programs run from an argv vector (never
// through a shell) with an explicit environment. Every wait is bounded: run() kills the
// child when its timeout passes.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace authctx::util {

// Owns a file descriptor: move-only, closed on destruction (which never throws),
// release() hands it back. -1 means none.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  // Closes the descriptor held now (if any) and holds fd instead.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// A pipe: read end and write end, both close-on-exec unless asked otherwise.
struct Pipe {
  Fd read;
  Fd write;
};
// Throws std::runtime_error when the kernel refuses.
Pipe make_pipe(bool cloexec = true);

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
  int exit_code = -1;  // exit status, or 128+signal when killed
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
