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
#include "lab/lab_dir.hpp"
#include "lab/ports.hpp"
#include "lab/samba_lab.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

constexpr int k_port_attempts = 5;

[[noreturn]] void port_busy(std::uint16_t port) {
  throw util::setup_error("lab_port_busy",
                          "Port " + std::to_string(port) + " on 127.0.0.1 is already in use, so the lab's KDC cannot "
                          "listen there.",
                          "Pick another --port, or omit --port to let the lab choose a free one.");
}

LabInfo up_mit(const UpOptions& options) {
  const Tools tools = find_tools();  // before touching the file system
  if (options.port && !port_is_free(*options.port)) port_busy(*options.port);

  const ScopedUmask umask_guard(077);
  const auto [dir, created] = prepare_dir(options.dir);
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
  const pid_t kdc_pid = info.kdc_pid;
  const fs::path kdc_conf = paths.kdc_conf;
  rollback.on_rollback([kdc_pid, kdc_conf] { stop_kdc(kdc_pid, kdc_conf); });
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

DownResult down_mit(const LabInfo& info) {
  const LabPaths paths = info.paths();
  DownResult result;
  result.kdc_pid = info.kdc_pid;
  result.kdc_was_running = is_lab_kdc(info.kdc_pid, paths.kdc_conf);
  if (!stop_kdc(info.kdc_pid, paths.kdc_conf))
    throw util::setup_error("lab_kdc_stuck",
                            "The lab's KDC (pid " + std::to_string(info.kdc_pid) + ") did not stop after SIGKILL.",
                            "Check the process with `ps " + std::to_string(info.kdc_pid) + "`; the folder was kept.");
  std::error_code ec;
  fs::remove_all(info.dir, ec);
  if (ec)
    throw util::setup_error("lab_remove_failed", "The KDC is stopped but " + info.dir.string() +
                                                     " could not be removed: " + ec.message() + ".",
                            "Remove the folder by hand.");
  return result;
}

}  // namespace

LabInfo up(const UpOptions& options) {
  return options.kdc == Flavour::samba ? up_samba(options) : up_mit(options);
}

DownResult down(const fs::path& dir) {
  const LabInfo info = load_state(dir);
  return info.flavour == Flavour::samba ? down_samba(info) : down_mit(info);
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
