#include "lab/kdc.hpp"

#include <signal.h>

#include <thread>
#include <vector>

#include "util/errors.hpp"
#include "lab/ports.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split_nul(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find('\0', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string read_proc(pid_t pid, const char* what) {
  try {
    return util::read_file("/proc/" + std::to_string(pid) + "/" + what, 1u << 20);
  } catch (const std::exception&) {
    return {};
  }
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  util::wait_for_exit(pid, std::chrono::seconds(2));
}

}  // namespace

void locate_programs(const std::vector<Program>& programs, const std::string& needs, const std::string& install) {
  std::vector<std::string> missing;
  for (const auto& p : programs) {
    if (auto found = util::find_program(p.name)) *p.out = *found;
    else missing.push_back(std::string(p.name) + " (" + p.package + ")");
  }
  if (missing.empty()) return;
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  throw util::setup_error("lab_packages_missing", needs + ", and these are missing: " + list + ".",
                          "Install them: apt-get install " + install);
}

Tools find_tools() {
  Tools t;
  locate_programs({{"kdb5_util", "krb5-admin-server", &t.kdb5_util},
                   {"kadmin.local", "krb5-admin-server", &t.kadmin_local},
                   {"krb5kdc", "krb5-kdc", &t.krb5kdc}},
                  "The lab needs the MIT Kerberos KDC programs", "krb5-kdc krb5-admin-server");
  return t;
}

pid_t start_kdc(const Tools& tools, const LabPaths& paths, const util::Environment& env, std::uint16_t port,
                std::chrono::milliseconds ready_timeout) {
  const pid_t pid = util::spawn_background({tools.krb5kdc, "-n"}, env, paths.kdc_log.string());
  const auto deadline = Clock::now() + ready_timeout;
  for (;;) {
    if (auto code = util::wait_for_exit(pid, std::chrono::milliseconds(0))) {
      const auto tail = log_tail(paths.kdc_log);
      if (tail.find("Address already in use") != std::string::npos)
        throw PortConflict("port " + std::to_string(port) + " on 127.0.0.1 is already in use");
      throw util::setup_error("lab_kdc_died",
                              "The lab's KDC (krb5kdc) exited with status " + std::to_string(*code) +
                                  " while starting. Its log ends with:\n" + tail,
                              "Read " + paths.kdc_log.string() + " for the reason; a port or a database problem "
                              "is the usual one.");
    }
    const auto use = port_use(port, pid);
    if (use.foreign_sockets > 0) {
      // Another process (maybe another lab's KDC, which also uses SO_REUSEPORT) shares the
      // port: requests would be split between the two realms.
      kill_and_reap(pid);
      throw PortConflict("port " + std::to_string(port) + " on 127.0.0.1 is also bound by another process");
    }
    if (use.tcp_listeners_of_pid > 0 && port_accepts(port)) return pid;
    if (Clock::now() >= deadline) {
      kill_and_reap(pid);
      throw util::setup_error("lab_kdc_not_ready",
                              "The lab's KDC did not start listening on 127.0.0.1:" + std::to_string(port) +
                                  " within " + std::to_string(ready_timeout.count() / 1000) +
                                  " s. Its log ends with:\n" + log_tail(paths.kdc_log),
                              "Check that loopback networking works and the machine is not overloaded, then retry.");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool is_lab_kdc(pid_t pid, const std::filesystem::path& kdc_conf) {
  if (pid <= 0 || !util::process_alive(pid)) return false;
  const auto argv = split_nul(read_proc(pid, "cmdline"));
  if (argv.empty() || std::filesystem::path(argv[0]).filename() != "krb5kdc") return false;
  const auto environ_text = read_proc(pid, "environ");
  if (environ_text.empty()) return true;  // not readable: cmdline is all we can check
  for (const auto& var : split_nul(environ_text))
    if (var == "KRB5_KDC_PROFILE=" + kdc_conf.string()) return true;
  return false;
}

bool stop_kdc(pid_t pid, const std::filesystem::path& kdc_conf, std::chrono::milliseconds grace) {
  // Not (or no longer) our KDC: either it is gone, or the PID now belongs to someone else.
  if (!is_lab_kdc(pid, kdc_conf)) return true;
  ::kill(pid, SIGTERM);
  if (util::wait_for_exit(pid, grace)) return true;
  ::kill(pid, SIGKILL);
  return util::wait_for_exit(pid, std::chrono::seconds(2)).has_value();
}

std::string log_tail(const std::filesystem::path& path, std::size_t lines) {
  std::string text;
  try {
    text = util::read_file(path, 16u << 20);
  } catch (const std::exception&) {
    return {};
  }
  std::vector<std::string> all;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    all.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += (out.empty() ? "" : "\n") + all[i];
  return out;
}

}  // namespace authctx::lab
