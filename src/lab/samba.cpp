#include "lab/samba.hpp"

#include <signal.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "util/errors.hpp"
#include "lab/kdc.hpp"
#include "lab/ports.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* k_packages = "samba-ad-dc samba-ad-provision samba-dsdb-modules winbind ldb-tools";

void kill_group_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  util::wait_for_exit(pid, std::chrono::seconds(3));
}

bool listening(const std::string& address, std::uint16_t port, pid_t pid) {
  return port_use(address, port, pid).tcp_listeners_of_pid > 0 && port_accepts(address, port);
}

}  // namespace

SambaTools find_samba_tools() {
  SambaTools t;
  locate_programs({{"samba", "samba-ad-dc", &t.samba},
                   {"samba-tool", "samba-ad-dc", &t.samba_tool},
                   {"samba_spnupdate", "samba-ad-dc", &t.samba_spnupdate},
                   {"ldbmodify", "ldb-tools", &t.ldbmodify},
                   {"ldbsearch", "ldb-tools", &t.ldbsearch}},
                  "The Active Directory lab needs Samba's domain controller and ldb tools", k_packages);
  return t;
}

void require_root() {
  if (::geteuid() == 0) return;
  throw util::setup_error("lab_needs_root",
                          "The Active Directory lab needs root: Samba's domain controller runs as root and binds "
                          "ports below 1024 (88, 389, 464, 636).",
                          "Run `authctx lab up --kdc samba` as root (or use the MIT lab, which needs no root).");
}

pid_t start_samba(const SambaTools& tools, const SambaPaths& paths, const std::string& address, const fs::path& log,
                  const util::Environment& env, std::chrono::milliseconds ready_timeout) {
  // --foreground keeps the DC our child (spawn_background already made it a session
  // leader); -M single runs every service in that one process; --debug-stdout sends its
  // log to the lab's log file, which spawn_background opened as stdout and stderr.
  const pid_t pid = util::spawn_background({tools.samba, "--foreground", "--debug-stdout", "--model=single",
                                            "--configfile=" + paths.smb_conf.string()},
                                           env, log.string());
  const auto deadline = Clock::now() + ready_timeout;
  for (;;) {
    if (auto code = util::wait_for_exit(pid, std::chrono::milliseconds(0))) {
      throw util::setup_error("lab_kdc_died",
                              "The lab's Samba domain controller exited with status " + std::to_string(*code) +
                                  " while starting. Its log ends with:\n" + log_tail(log, 12),
                              "Read " + log.string() + " for the reason; a port taken on " + address +
                                  " or a damaged template (remove the cache folder) are the usual ones.");
    }
    for (const std::uint16_t port : {std::uint16_t{88}, std::uint16_t{389}}) {
      if (port_use(address, port, pid).foreign_sockets > 0) {
        kill_group_and_reap(pid);
        throw util::setup_error("lab_address_busy",
                                "Another process took port " + std::to_string(port) + " on " + address +
                                    " while the lab's domain controller was starting.",
                                "Retry; the lab then picks another address.");
      }
    }
    if (listening(address, 88, pid) && listening(address, 389, pid)) return pid;
    if (Clock::now() >= deadline) {
      kill_group_and_reap(pid);
      throw util::setup_error("lab_kdc_not_ready",
                              "The lab's Samba domain controller did not answer on " + address + " ports 88 and 389 "
                              "within " + std::to_string(ready_timeout.count() / 1000) + " s. Its log ends with:\n" +
                                  log_tail(log, 12),
                              "Check that the machine is not overloaded, then retry.");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool is_lab_samba(pid_t pid, const fs::path& samba_root) {
  if (pid <= 0 || !util::process_alive(pid)) return false;
  const fs::path proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  if (fs::read_symlink(proc / "exe", ec).filename() != "samba" || ec) return false;
  const std::string prefix = samba_root.string() + "/";
  for (const auto& entry : fs::directory_iterator(proc / "fd", ec)) {
    std::error_code link_ec;
    const auto target = fs::read_symlink(entry.path(), link_ec).string();
    if (!link_ec && target.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool stop_samba(pid_t pid, const fs::path& samba_root, std::chrono::milliseconds grace) {
  if (!is_lab_samba(pid, samba_root)) return true;
  // The DC is its session's and group's leader (setsid in spawn_background): signalling the
  // group also reaches any helper it forked.
  ::kill(-pid, SIGTERM);
  if (util::wait_for_exit(pid, grace)) {
    ::kill(-pid, SIGKILL);  // stragglers of the group, if any
    return true;
  }
  kill_group_and_reap(pid);
  return !util::process_alive(pid);
}

}  // namespace authctx::lab
