#include "lab/lab.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/errors.hpp"
#include "lab/credentials.hpp"
#include "lab/kadmin.hpp"
#include "lab/kdc.hpp"
#include "lab/ports.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

constexpr int k_port_attempts = 5;

[[noreturn]] void dir_unusable(const fs::path& dir, const std::string& why) {
  throw util::setup_error("lab_dir_unusable", "Cannot make a lab in " + dir.string() + ": " + why + ".",
                          "Give --dir a new or empty folder in a writable place, or omit --dir.");
}

// Files the KDC and kadmin.local create inherit this; restored on scope exit.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

// Returns the lab folder (absolute, mode 0700) and whether we created it.
std::pair<fs::path, bool> prepare_dir(const fs::path& requested) {
  std::error_code ec;
  if (requested.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/authctx-lab-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) dir_unusable(tmpl, std::strerror(errno));
    return {fs::path(tmpl), true};
  }
  const fs::path dir = fs::absolute(requested, ec).lexically_normal();
  if (ec) dir_unusable(requested, ec.message());
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) dir_unusable(dir, "it exists and is not a folder");
    if (!fs::is_empty(dir, ec)) dir_unusable(dir, "the folder is not empty");
    if (::chmod(dir.c_str(), 0700) != 0) dir_unusable(dir, std::strerror(errno));
    return {dir, false};
  }
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0) dir_unusable(dir, std::strerror(errno));
  return {dir, true};
}

// Undoes a half-built lab unless dismissed.
class Rollback {
 public:
  Rollback(fs::path dir, bool remove_dir) : dir_(std::move(dir)), remove_dir_(remove_dir) {}
  ~Rollback() {
    if (dismissed_) return;
    if (kdc_pid_ > 0) stop_kdc(kdc_pid_, LabPaths(dir_).kdc_conf);
    std::error_code ec;
    if (remove_dir_) {
      fs::remove_all(dir_, ec);
    } else {
      for (const auto& entry : fs::directory_iterator(dir_, ec)) fs::remove_all(entry.path(), ec);
    }
  }
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  void kdc_started(pid_t pid) { kdc_pid_ = pid; }
  void dismiss() { dismissed_ = true; }

 private:
  fs::path dir_;
  bool remove_dir_;
  pid_t kdc_pid_ = 0;
  bool dismissed_ = false;
};

[[noreturn]] void port_busy(std::uint16_t port) {
  throw util::setup_error("lab_port_busy",
                          "Port " + std::to_string(port) + " on 127.0.0.1 is already in use, so the lab's KDC cannot "
                          "listen there.",
                          "Pick another --port, or omit --port to let the lab choose a free one.");
}

// Private modes for everything in the lab, whatever the tools chose.
void tighten_modes(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_symlink(ec)) continue;
    const bool is_dir = it->is_directory(ec);
    ::chmod(it->path().c_str(), is_dir ? 0700 : 0600);
  }
}

}  // namespace

LabInfo up(const UpOptions& options) {
  const Tools tools = find_tools();  // before touching the file system
  if (options.port && !port_is_free(*options.port)) port_busy(*options.port);

  const ScopedUmask umask_guard(077);
  const auto [dir, created] = prepare_dir(options.dir);
  if (dir.string().find_first_of(" \t\n#;\"'\\") != std::string::npos)
    dir_unusable(dir, "krb5.conf cannot name paths with spaces, quotes or comment characters");
  Rollback rollback(dir, created);

  LabInfo info;
  info.dir = dir;
  info.user = std::string(k_user) + "@" + k_realm;
  for (const auto& s : k_services) info.services.push_back(s + "@" + k_realm);
  info.password = random_password(16);
  const LabPaths paths = info.paths();
  const auto env = util::current_environment(info.env());

  try {
    util::write_private_file(paths.password_file, info.password + "\n");
    util::write_private_file(paths.ntlm_user_file, render_ntlm_user_file(info.password));
    if (::mkdir(paths.rcache_dir.c_str(), 0700) != 0) dir_unusable(dir, std::strerror(errno));
  } catch (const util::FileError& e) {
    dir_unusable(dir, e.what());
  }

  // The database does not depend on the port, so only the configuration and the KDC are
  // redone when a port turns out to be taken (see ports.hpp on SO_REUSEPORT).
  std::uint16_t port = options.port ? *options.port : pick_free_port();
  write_config_files(paths, port);
  create_realm(tools, paths, env, info.password);
  for (int attempt = 1;; ++attempt) {
    try {
      info.kdc_pid = start_kdc(tools, paths, env, port);
      break;
    } catch (const PortConflict&) {
      if (options.port) port_busy(port);
      if (attempt >= k_port_attempts)
        throw util::setup_error("lab_port_busy",
                                "The lab's KDC could not get a free loopback port in " +
                                    std::to_string(k_port_attempts) + " attempts.",
                                "Something is taking loopback ports quickly; retry, or give --port.");
      port = pick_free_port();
      write_config_files(paths, port);
    }
  }
  rollback.kdc_started(info.kdc_pid);
  info.kdc_port = port;

  get_initial_tgt(paths.krb5_conf, info.user, info.password, paths.ccache);
  if (!util::process_alive(info.kdc_pid))
    throw util::setup_error("lab_kdc_died", "The lab's KDC exited right after starting. Its log ends with:\n" +
                                                log_tail(paths.kdc_log),
                            "Read " + paths.kdc_log.string() + " for the reason.");
  save_state(info);
  tighten_modes(dir);
  rollback.dismiss();
  return info;
}

DownResult down(const fs::path& dir) {
  const LabInfo info = load_state(dir);
  const LabPaths paths = info.paths();
  DownResult result;
  result.kdc_pid = info.kdc_pid;
  result.kdc_was_running = is_lab_kdc(info.kdc_pid, paths.kdc_conf);
  if (!stop_kdc(info.kdc_pid, paths.kdc_conf))
    throw util::setup_error("lab_kdc_stuck",
                            "The lab's KDC (pid " + std::to_string(info.kdc_pid) + ") did not stop after SIGKILL.",
                            "Check the process with `ps " + std::to_string(info.kdc_pid) + "`; the folder was kept.");
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec)
    throw util::setup_error("lab_remove_failed", "The KDC is stopped but " + dir.string() +
                                                     " could not be removed: " + ec.message() + ".",
                            "Remove the folder by hand.");
  return result;
}

ScopedLab::~ScopedLab() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; down() already tried its best
  }
}

void ScopedLab::close() {
  if (closed_) return;
  closed_ = true;
  down(info_.dir);
}

}  // namespace authctx::lab
