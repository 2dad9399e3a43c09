#include "lab/exec.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace authctx::lab {
namespace {

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_child = 0;

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];

extern "C" void on_signal(int sig) {
  g_signal = sig;
  // kill() is async-signal-safe. On a terminal the child usually got SIGINT itself too;
  // a second one is harmless for the commands one runs in a lab.
  if (g_child > 0) ::kill(static_cast<pid_t>(g_child), sig);
}

}  // namespace

SignalGuard::SignalGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < 3; ++i) ::sigaction(k_signals[i], &sa, &g_previous[i]);
}

SignalGuard::~SignalGuard() {
  for (std::size_t i = 0; i < 3; ++i) ::sigaction(k_signals[i], &g_previous[i], nullptr);
}

int SignalGuard::received() const { return g_signal; }

int run_foreground(const std::vector<std::string>& argv, const util::Environment& env) {
  if (argv.empty()) return 127;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> c_argv, c_env;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  for (const auto& e : env_strings) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  const std::string cannot_run = "authctx: cannot run " + argv[0] + " (not found or not executable)\n";
  const pid_t pid = ::fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    // Default dispositions in the child (exec would reset caught ones anyway, but a signal
    // could arrive before it).
    for (const int sig : k_signals) ::signal(sig, SIG_DFL);
    ::execvpe(c_argv[0], c_argv.data(), c_env.data());
    // Only async-signal-safe calls between fork and _exit: the message was built before.
    const int err = errno;
    (void)!::write(2, cannot_run.data(), cannot_run.size());
    ::_exit(err == ENOENT ? 127 : 126);
  }
  g_child = pid;
  if (g_signal != 0) ::kill(pid, g_signal);  // a signal that came before the fork
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      g_child = 0;
      return 127;
    }
  }
  g_child = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

}  // namespace authctx::lab
