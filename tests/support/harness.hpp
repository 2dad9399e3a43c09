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

// True if the JSON array arr holds the string v.
bool has(const nlohmann::json& arr, const std::string& v);

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // parses out; fails the test if it is not JSON
};

// Runs the authctx binary with args; env overrides apply on top of the test's environment.
Run run_authctx(const std::vector<std::string>& args, const util::Environment& env = {},
                const std::string& stdin_data = {}, std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The same without any Catch2 macro, for std::async workers (Catch2 2's assertions and INFO
// are not thread-safe: two threads using them at once corrupt its state and abort the test).
// A run that timed out has exit_code -2; check it in the test's own thread.
Run run_authctx_in_thread(const std::vector<std::string>& args, const util::Environment& env = {},
                          const std::string& stdin_data = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

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
  // The same with more `lab up` arguments, e.g. {"--kdc", "samba"}.
  explicit Lab(const std::vector<std::string>& up_args);
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
  // run() for std::async workers (see run_authctx_in_thread).
  Run run_in_thread(const std::vector<std::string>& args, const util::Environment& extra = {}) const;
  // Runs kadmin.local -q QUERY in the lab.
  util::RunResult kadmin(const std::string& query) const;

 private:
  std::string dir_;
  nlohmann::json info_;
  util::Environment env_;
};

// An authctx process in the background (a server), with stdout and stderr in files.
// The destructor kills it if it is still running, so no process outlives a test.
class Background {
 public:
  Background(const std::vector<std::string>& args, const util::Environment& env);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  // Waits (bounded) for "listening on HOST:PORT" on stderr and returns the port.
  int wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void signal(int sig) const;
  // Waits (bounded) for exit; returns the exit code, or -1 if it is still running.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string out() const;
  std::string err() const;
  // The JSON documents it wrote, one per line.
  std::vector<nlohmann::json> documents() const;
  int pid() const { return pid_; }
  // Number of open file descriptors of the process (/proc/PID/fd).
  int open_fds() const;

 private:
  TempDir dir_;
  int pid_ = -1;
  int exit_code_ = -1;
};

// A raw TCP connection to 127.0.0.1:port for hostile-client tests.
class RawClient {
 public:
  explicit RawClient(int port);
  ~RawClient();
  void send(const std::vector<std::uint8_t>& bytes) const;
  // Reads until the peer closes or timeout; returns what arrived.
  std::vector<std::uint8_t> read_all(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  void reset();  // close with RST (SO_LINGER 0)

 private:
  int fd_ = -1;
};

}  // namespace authctx::test
