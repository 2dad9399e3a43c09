#include "lab/samba_template.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/errors.hpp"
#include "lab/lab_dir.hpp"
#include "lab/loopback.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

// Bump when the template's contents change (accounts, SPNs, settings made here).
constexpr int k_template_format = 1;
// Provisioning is 5-10 s idle and has been measured at 45 s on a loaded 2-core machine.
constexpr std::chrono::seconds k_provision_timeout{600};
constexpr std::chrono::seconds k_tool_timeout{180};
constexpr std::chrono::seconds k_lock_timeout{900};
constexpr const char* k_marker = "template.json";
// The folders of a provisioned tree that hold the domain (etc is rewritten per lab; lock,
// run and cache hold only runtime state).
constexpr const char* k_copied[] = {"private", "state", "bind-dns"};

util::Environment tool_env(const fs::path& krb5_conf) {
  return {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"KRB5_CONFIG", krb5_conf.string()}};
}

[[noreturn]] void template_failed(const std::string& what, const std::string& output) {
  // Provisioning prints the Administrator password it drew: keep it out of the message.
  std::string kept;
  std::size_t start = 0;
  while (start < output.size()) {
    auto nl = output.find('\n', start);
    if (nl == std::string::npos) nl = output.size();
    const auto line = output.substr(start, nl - start);
    if (line.find("assword") == std::string::npos) kept += line + "\n";
    start = nl + 1;
  }
  if (kept.size() > 4000) kept = "..." + kept.substr(kept.size() - 4000);
  throw util::setup_error("lab_template_failed",
                          "The Samba domain template could not be made: " + what + ". Output:\n" + kept,
                          "Check that the Samba AD DC packages are complete (apt-get install samba-ad-dc "
                          "samba-ad-provision samba-dsdb-modules winbind ldb-tools) and that the cache folder " +
                              cache_dir().string() + " is writable.");
}

void run_tool(const std::vector<std::string>& argv, const util::Environment& env, const std::string& what,
              std::chrono::seconds timeout = k_tool_timeout) {
  util::RunOptions opts;
  opts.argv = argv;
  opts.env = env;
  opts.timeout = timeout;
  const auto r = util::run(opts);
  if (r.timed_out) template_failed(what + " timed out", r.out + r.err);
  if (r.exit_code != 0) template_failed(what + " exited with status " + std::to_string(r.exit_code), r.out + r.err);
}

std::string samba_version(const SambaTools& tools) {
  util::RunOptions opts;
  opts.argv = {tools.samba, "--version"};
  opts.env = tool_env("/dev/null");
  opts.timeout = std::chrono::seconds(30);
  const auto r = util::run(opts);
  std::string v;
  for (const char c : r.out)
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '+') v += c;
  if (r.exit_code != 0 || v.empty()) template_failed("`samba --version` did not answer", r.out + r.err);
  return v;
}

bool ready(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / k_marker, ec);
}

// Removes templates of other Samba versions or formats, and leftovers of failed attempts.
void remove_others(const fs::path& cache, const fs::path& keep) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cache, ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("samba-template-", 0) == 0 && entry.path() != keep && entry.is_directory(ec))
      fs::remove_all(entry.path(), ec);
  }
}

void make_template(const SambaTools& tools, const fs::path& cache, const fs::path& final_dir,
                   const std::string& version) {
  remove_others(cache, final_dir);
  std::string tmpl = (cache / "samba-template-tmp-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) template_failed(std::string("cannot make a folder: ") + std::strerror(errno), "");
  const fs::path tmp = tmpl;
  const SambaPaths paths(tmp);
  const fs::path log = tmp / "samba.log";
  const std::string address = claim_address(tmp);
  pid_t pid = 0;
  Rollback rollback(tmp, true);
  rollback.on_rollback([&] {
    if (pid > 0) stop_samba(pid, tmp);
    release_address(address, tmp);
  });

  const auto env = tool_env(paths.private_dir / "krb5.conf");
  run_tool({tools.samba_tool, "domain", "provision", std::string("--realm=") + k_ad_realm,
            std::string("--domain=") + k_ad_netbios_domain, "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307",
            "--targetdir=" + tmp.string(), std::string("--host-name=") + k_dc_host, "--host-ip=" + address,
            "--option=interfaces=" + address + "/8", "--option=bind interfaces only=yes",
            "--option=ldb:nosync=true"},
           env, "samba-tool domain provision", k_provision_timeout);
  for (const auto& d : {paths.lock_dir, paths.pid_dir, paths.cache_dir}) fs::create_directories(d);
  util::write_private_file(paths.smb_conf, render_smb_conf(paths, address, log, true));

  const std::string conf = "--configfile=" + paths.smb_conf.string();
  // Random passwords nobody learns: every lab sets its own. Order matters for the SPNs
  // (see samba_config.hpp).
  for (const char* user : {k_host_account, k_web_account, k_user})
    run_tool({tools.samba_tool, "user", "create", user, "--random-password", conf}, env,
             std::string("samba-tool user create ") + user);
  run_tool({tools.samba_tool, "spn", "add", "host/localhost", k_host_account, conf}, env, "samba-tool spn add");
  run_tool({tools.samba_tool, "spn", "add", "HTTP/localhost", k_web_account, conf}, env, "samba-tool spn add");
  run_tool({tools.samba_tool, "spn", "add", "ldap/localhost", std::string(k_dc_host) + "$", conf}, env,
           "samba-tool spn add");
  // What the DC's dnsupdate service would do at run time (the lab does not run it): the
  // DC's ldap/, GC/ and HOST/ SPNs, without which LDAP by name has no service ticket.
  run_tool({tools.samba_spnupdate, conf}, env, "samba_spnupdate");

  // One start makes the DC's TLS key and certificate (seconds of key generation that every
  // lab would otherwise repeat).
  pid = start_samba(tools, paths, address, log, env, std::chrono::seconds(300));
  if (!stop_samba(pid, tmp)) template_failed("the template's domain controller did not stop", "");
  pid = 0;
  release_address(address, tmp);

  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    bool keep = false;
    for (const char* name : k_copied) keep = keep || entry.path().filename() == name;
    if (!keep) fs::remove_all(entry.path(), ec);
  }
  tighten_modes(tmp);
  util::write_private_file(tmp / k_marker, "{\"samba\": \"" + version + "\", \"format\": " +
                                               std::to_string(k_template_format) + "}\n");
  fs::rename(tmp, final_dir, ec);
  if (ec) template_failed("cannot move it into place: " + ec.message(), "");
  rollback.dismiss();
}

[[noreturn]] void busy() {
  throw util::setup_error("lab_template_busy",
                          "Another authctx process has held the Samba template lock for " +
                              std::to_string(k_lock_timeout.count()) + " s.",
                          "Wait for the other `lab up --kdc samba` to finish, or remove " + cache_dir().string() +
                              " if no authctx is running.");
}

void copy_tree(const fs::path& from, const fs::path& to) {
  if (::mkdir(to.c_str(), 0700) != 0 && errno != EEXIST)
    throw util::setup_error("lab_dir_unusable", "Cannot make " + to.string() + ": " + std::strerror(errno) + ".");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const auto target = to / entry.path().filename();
    if (entry.is_symlink(ec)) continue;
    if (entry.is_directory(ec)) {
      copy_tree(entry.path(), target);
    } else if (entry.is_regular_file(ec)) {
      std::error_code copy_ec;
      fs::copy_file(entry.path(), target, copy_ec);
      if (copy_ec)
        throw util::setup_error("lab_dir_unusable", "Cannot copy " + entry.path().string() + ": " +
                                                        copy_ec.message() + ".");
      ::chmod(target.c_str(), 0600);
    }
  }
  if (ec) throw util::setup_error("lab_dir_unusable", "Cannot read " + from.string() + ": " + ec.message() + ".");
}

}  // namespace

fs::path cache_dir() {
  if (const char* env = std::getenv("AUTHCTX_CACHE_DIR"); env != nullptr && *env != '\0') return env;
  return "/var/cache/authctx";
}

TemplateLease lease_template(const SambaTools& tools) {
  const fs::path cache = cache_dir();
  std::error_code ec;
  fs::create_directories(cache, ec);
  ::chmod(cache.c_str(), 0700);
  const std::string version = samba_version(tools);
  const fs::path dir = cache / ("samba-template-" + version + "-v" + std::to_string(k_template_format));
  const fs::path lock_path = cache / "samba-template.lock";
  for (;;) {
    auto shared = FileLock::acquire(lock_path, FileLock::Mode::shared, k_lock_timeout);
    if (!shared) busy();
    if (ready(dir)) return TemplateLease{dir, std::move(*shared)};
    shared.reset();
    auto exclusive = FileLock::acquire(lock_path, FileLock::Mode::exclusive, k_lock_timeout);
    if (!exclusive) busy();
    if (!ready(dir)) make_template(tools, cache, dir, version);
  }
}

void copy_template(const fs::path& template_dir, const SambaPaths& paths) {
  copy_tree(template_dir, paths.root);
  std::error_code ec;
  fs::remove(paths.root / k_marker, ec);
  for (const auto& d : {paths.lock_dir, paths.pid_dir, paths.cache_dir, paths.smb_conf.parent_path()})
    fs::create_directories(d, ec);
}

}  // namespace authctx::lab
