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

void set_cloexec(int fd) { ::fcntl(fd, F_SETFD, FD_CLOEXEC); }

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

Environment current_environment(const Environment& overrides) {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : overrides) {
    if (v.empty()) env.erase(k);
    else env[k] = v;
  }
  return env;
}

RunResult run(const RunOptions& options) {
  if (options.argv.empty()) throw std::invalid_argument("run: empty argv");
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (!options.inherit_stdio) {
    if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0)
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  const auto env_strings = options.env ? flatten(*options.env) : std::vector<std::string>{};
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    if (!options.inherit_stdio) {
      ::dup2(in_pipe[0], 0);
      ::dup2(out_pipe[1], 1);
      ::dup2(err_pipe[1], 2);
      for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    }
    exec_child(options.argv, options.env, env_strings);
  }

  RunResult result;
  const auto deadline = Clock::now() + options.timeout;
  if (!options.inherit_stdio) {
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    set_cloexec(in_pipe[1]);
    set_cloexec(out_pipe[0]);
    set_cloexec(err_pipe[0]);
    ::signal(SIGPIPE, SIG_IGN);
    std::size_t written = 0;
    int in_fd = in_pipe[1];
    if (options.stdin_data.empty()) {
      ::close(in_fd);
      in_fd = -1;
    } else {
      ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
    }
    int out_fd = out_pipe[0];
    int err_fd = err_pipe[0];
    constexpr std::size_t k_cap = 16u << 20;
    while (out_fd >= 0 || err_fd >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        result.timed_out = true;
        break;
      }
      pollfd fds[3];
      nfds_t n = 0;
      if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
      if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
      if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
      const int rc = ::poll(fds, n, static_cast<int>(std::min<long long>(left, 1000)));
      if (rc < 0 && errno != EINTR) break;
      for (nfds_t i = 0; i < n; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == in_fd) {
          const auto w = ::write(in_fd, options.stdin_data.data() + written, options.stdin_data.size() - written);
          if (w > 0) written += static_cast<std::size_t>(w);
          if (w < 0 && errno != EAGAIN && errno != EINTR) written = options.stdin_data.size();
          if (written >= options.stdin_data.size()) {
            ::close(in_fd);
            in_fd = -1;
          }
          continue;
        }
        char buf[65536];
        const auto r = ::read(fds[i].fd, buf, sizeof buf);
        std::string& sink = fds[i].fd == out_fd ? result.out : result.err;
        if (r > 0) {
          if (sink.size() < k_cap) sink.append(buf, static_cast<std::size_t>(r));
        } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
          if (fds[i].fd == out_fd) {
            ::close(out_fd);
            out_fd = -1;
          } else {
            ::close(err_fd);
            err_fd = -1;
          }
        }
      }
    }
    for (int fd : {in_fd, out_fd, err_fd})
      if (fd >= 0) ::close(fd);
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
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path + ": " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::setsid();  // detach from our terminal and process group: `lab up` returns, the KDC stays
    exec_child(argv, env, env_strings);
  }
  ::close(log_fd);
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
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? std::optional(name) : std::nullopt;
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
