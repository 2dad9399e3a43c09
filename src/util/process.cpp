#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace authctx::util {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  out.reserve(args.size() + 1);
  for (const auto& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> flatten(const Environment& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// In the child after fork: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::optional<Environment>& env,
                             const std::vector<std::string>& env_strings) {
  auto args = c_argv(argv);
  if (env) {
    auto envp = c_argv(env_strings);
    ::execve(args[0], args.data(), envp.data());
    // execve does not search PATH; execvpe does.
    ::execvpe(args[0], args.data(), envp.data());
  } else {
    ::execvp(args[0], args.data());
  }
  ::_exit(127);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

Fd::~Fd() { reset(); }

int Fd::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void Fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Pipe make_pipe(bool cloexec) {
  int fds[2] = {-1, -1};
  if (::pipe2(fds, cloexec ? O_CLOEXEC : 0) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

Environment current_environment(const Environment& overrides) {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : overrides) {
    if (v.empty())
      env.erase(k);
    else
      env[k] = v;
  }
  return env;
}

namespace {
// Writes what the child's stdin can take now; closes it once everything (or an error) went.
void feed_stdin(Fd& in, const std::string& data, std::size_t& written) {
  const auto w = ::write(in.get(), data.data() + written, data.size() - written);
  if (w > 0) written += static_cast<std::size_t>(w);
  if (w < 0 && errno != EAGAIN && errno != EINTR) written = data.size();
  if (written >= data.size()) in.reset();
}

// Appends what from holds now to sink (capped at 16 MiB); closes from at its end.
void drain_output(Fd& from, std::string& sink) {
  constexpr std::size_t k_cap = 16U << 20U;
  char buf[65536];
  const auto r = ::read(from.get(), buf, sizeof buf);
  if (r > 0) {
    if (sink.size() < k_cap) sink.append(buf, static_cast<std::size_t>(r));
  } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
    from.reset();
  }
}

// Feeds stdin_data to the child and collects its stdout and stderr until both close or the
// deadline passes (then timed_out is set).
void exchange_with_child(Pipe& in, Pipe& out, Pipe& err, const std::string& stdin_data, Clock::time_point deadline,
                         RunResult& result) {
  ::signal(SIGPIPE, SIG_IGN);
  std::size_t written = 0;
  if (stdin_data.empty())
    in.write.reset();
  else
    ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);
  while (out.read || err.read) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      return;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out.read) fds[n++] = {out.read.get(), POLLIN, 0};
    if (err.read) fds[n++] = {err.read.get(), POLLIN, 0};
    if (in.write) fds[n++] = {in.write.get(), POLLOUT, 0};
    const int rc = ::poll(fds, n, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc < 0 && errno != EINTR) return;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.write.get())
        feed_stdin(in.write, stdin_data, written);
      else if (fds[i].fd == out.read.get())
        drain_output(out.read, result.out);
      else
        drain_output(err.read, result.err);
    }
  }
}
}  // namespace

RunResult run(const RunOptions& options) {
  if (options.argv.empty()) throw std::invalid_argument("run: empty argv");
  Pipe in, out, err;
  if (!options.inherit_stdio) {
    in = make_pipe();
    out = make_pipe();
    err = make_pipe();
  }
  const auto env_strings = options.env ? flatten(*options.env) : std::vector<std::string>{};
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // dup2 clears close-on-exec on the copies; the originals close at exec.
    if (!options.inherit_stdio) {
      ::dup2(in.read.get(), 0);
      ::dup2(out.write.get(), 1);
      ::dup2(err.write.get(), 2);
    }
    exec_child(options.argv, options.env, env_strings);
  }

  RunResult result;
  const auto deadline = Clock::now() + options.timeout;
  if (!options.inherit_stdio) {
    in.read.reset();
    out.write.reset();
    err.write.reset();
    exchange_with_child(in, out, err, options.stdin_data, deadline, result);
  }
  // Wait for the child within what is left of the deadline, then kill it.
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      result.exit_code = decode_status(status);
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (result.timed_out || Clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.exit_code = decode_status(status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return result;
}

pid_t spawn_background(const std::vector<std::string>& argv, const Environment& env, const std::string& log_path) {
  if (argv.empty()) throw std::invalid_argument("spawn_background: empty argv");
  const auto env_strings = flatten(env);
  const Fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!log) throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log.get(), 1);
    ::dup2(log.get(), 2);
    ::setsid();  // detach from our terminal and process group: `lab up` returns, the KDC stays
    exec_child(argv, env, env_strings);
  }
  return pid;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode_status(status);
    if (r < 0 && errno == ECHILD) {
      // Not our child (e.g. `lab down` from another process): poll for its disappearance.
      if (!process_alive(pid)) return 0;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0) return errno == EPERM;
  // A zombie still answers kill(0); /proc tells us whether it has exited.
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  char buf[512] = {};
  const auto n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string s(buf, n);
  const auto close_paren = s.rfind(')');
  if (close_paren != std::string::npos && close_paren + 2 < s.size()) return s[close_paren + 2] != 'Z';
  return true;
}

std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
  std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = path.find(':', start);
    const auto dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty()) {
      const auto candidate = dir + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("authctx") : p.string();
}

}  // namespace authctx::util
