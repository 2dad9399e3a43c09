#include "lab/samba_lab.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <strings.h>

#include <cstring>
#include <optional>

#include "util/errors.hpp"
#include "lab/ad_keytab.hpp"
#include "lab/credentials.hpp"
#include "lab/kdc.hpp"
#include "lab/lab_dir.hpp"
#include "lab/loopback.hpp"
#include "lab/samba.hpp"
#include "lab/samba_template.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace fs = std::filesystem;
namespace {

struct Known {
  const char* name;
  const char* role;
};
// The accounts lab.json tracks, in the order it lists them.
constexpr Known k_known[] = {{k_user, "user"},
                             {k_host_account, "service"},
                             {k_web_account, "service"},
                             {k_ad_admin, "admin"},
                             {"dc1$", "dc"}};

util::Environment samba_env(const LabPaths& paths) {
  return {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"KRB5_CONFIG", paths.krb5_conf.string()}};
}

std::uint32_t to_u32(const std::optional<std::string>& v) {
  if (!v) return 0;
  try {
    // userAccountControl and msDS-SupportedEncryptionTypes are signed 32-bit in LDAP.
    return static_cast<std::uint32_t>(std::stoll(*v));
  } catch (const std::exception&) {
    return 0;
  }
}

// Administrator, alice and the service accounts get new passwords; the DC's own and krbtgt
// keep the template's.
void write_files(const LabInfo& info, const std::string& admin_password) {
  const LabPaths paths = info.paths();
  const SambaPaths sp(paths.samba_dir);
  try {
    util::write_private_file(paths.password_file, info.password + "\n");
    util::write_private_file(paths.admin_password_file, admin_password + "\n");
    util::write_private_file(paths.ntlm_user_file, render_ntlm_user_file(info.password));
    util::write_private_file(paths.krb5_conf, render_ad_krb5_conf(paths, info.dc->address));
    util::write_private_file(paths.kdc_conf, render_ad_kdc_conf());
    util::write_private_file(sp.smb_conf,
                             render_smb_conf(sp, info.dc->address, paths.samba_log, info.dc->ldap_strong_auth));
    if (::mkdir(paths.rcache_dir.c_str(), 0700) != 0 && errno != EEXIST) dir_unusable(info.dir, std::strerror(errno));
  } catch (const util::FileError& e) {
    dir_unusable(info.dir, e.what());
  }
}

[[noreturn]] void directory_failed(const std::string& what, const DirectoryError& e) {
  throw util::setup_error("lab_directory_failed", "The lab could not " + what + ": " + e.what(),
                          "Read samba.log in the lab folder; the template may be damaged (remove " +
                              cache_dir().string() + " to make a new one).");
}

}  // namespace

std::string user_dn(const std::string& name) { return "CN=" + name + ",CN=Users," + k_ad_base_dn; }

Directory lab_directory(const LabInfo& info) {
  return Directory(find_samba_tools(), SambaPaths(info.paths().samba_dir));
}

void refresh_accounts(LabInfo& info, const Directory& directory) {
  std::string filter = "(|";
  for (const auto& k : k_known) filter += std::string("(sAMAccountName=") + k.name + ")";
  filter += ")";
  std::vector<LdbEntry> found;
  try {
    found = directory.search(filter, {"sAMAccountName", "servicePrincipalName", "msDS-KeyVersionNumber",
                                      "msDS-SupportedEncryptionTypes", "userAccountControl"});
  } catch (const DirectoryError& e) {
    directory_failed("read its accounts", e);
  }
  info.accounts.clear();
  for (const auto& k : k_known) {
    for (const auto& e : found) {
      const auto name = e.first("sAMAccountName").value_or("");
      if (name.size() != std::string(k.name).size() || ::strcasecmp(name.c_str(), k.name) != 0) continue;
      AdAccount a;
      a.name = name;
      a.role = k.role;
      a.spns = e.all("servicePrincipalName");
      a.kvno = to_u32(e.first("msDS-KeyVersionNumber"));
      if (const auto set = e.first("msDS-SupportedEncryptionTypes")) a.supported_enctypes = to_u32(set);
      a.user_account_control = to_u32(e.first("userAccountControl"));
      info.accounts.push_back(a);
    }
  }
}

LabInfo up_samba(const UpOptions& options) {
  // Before touching the file system: root and the packages; then the folder (a bad --dir
  // fails before the template, which may take a while the first time on a machine).
  require_root();
  const SambaTools tools = find_samba_tools();
  const ScopedUmask umask_guard(077);
  const auto [dir, created] = prepare_dir(options.dir);
  Rollback rollback(dir, created);
  std::optional<TemplateLease> lease(lease_template(tools));
  LabInfo info;
  info.flavour = Flavour::samba;
  info.dir = dir;
  info.realm = k_ad_realm;
  info.user = std::string(k_user) + "@" + k_ad_realm;
  info.services = {std::string("host/localhost@") + k_ad_realm, std::string("HTTP/localhost@") + k_ad_realm};
  info.password = random_complex_password(16);
  const LabPaths paths = info.paths();
  const SambaPaths sp(paths.samba_dir);

  const std::string address = claim_address(dir, options.address);
  info.dc = DcInfo{address, true};
  info.kdc_address = address;
  info.kdc_port = 88;
  pid_t pid = 0;
  rollback.on_rollback([&, dir = dir] {
    if (pid > 0) stop_samba(pid, sp.root);
    release_address(address, dir);
  });

  copy_template(lease->dir, sp);
  lease.reset();  // other labs may now update the template

  const std::string admin_password = random_complex_password(20);
  write_files(info, admin_password);
  const Directory directory(tools, sp);
  const std::string host_password = random_complex_password(24);
  const std::string web_password = random_complex_password(24);
  try {
    directory.modify(password_ldif(user_dn(k_ad_admin), admin_password) + password_ldif(user_dn(k_user), info.password) +
                     password_ldif(user_dn(k_host_account), host_password) +
                     password_ldif(user_dn(k_web_account), web_password));
  } catch (const DirectoryError& e) {
    directory_failed("set the accounts' passwords", e);
  }

  pid = start_samba(tools, sp, address, paths.samba_log, samba_env(paths));
  info.kdc_pid = pid;
  refresh_accounts(info, directory);

  for (const auto& [account, password] : {std::pair{k_host_account, host_password}, std::pair{k_web_account, web_password}}) {
    const AdAccount* a = info.find_account(account);
    if (a == nullptr) throw util::setup_error("lab_directory_failed", std::string("The template lacks ") + account + ".");
    AccountKeys keys;
    keys.account_principal = std::string(account) + "@" + k_ad_realm;
    keys.password = password;
    for (const auto& spn : a->spns) keys.principals.push_back(spn + "@" + k_ad_realm);
    keys.kvno = a->kvno;
    add_account_keys(paths.krb5_conf, paths.keytab, keys);
  }

  get_initial_tgt(paths.krb5_conf, info.user, info.password, paths.ccache);
  if (!is_lab_samba(pid, sp.root))
    throw util::setup_error("lab_kdc_died", "The lab's Samba domain controller exited right after starting. Its "
                                            "log ends with:\n" + log_tail(paths.samba_log, 12),
                            "Read " + paths.samba_log.string() + " for the reason.");
  save_state(info);
  tighten_modes(dir, sp.root);
  rollback.dismiss();
  return info;
}

DownResult down_samba(const LabInfo& info) {
  const LabPaths paths = info.paths();
  const SambaPaths sp(paths.samba_dir);
  DownResult result;
  result.kdc_pid = info.kdc_pid;
  result.kdc_was_running = is_lab_samba(info.kdc_pid, sp.root);
  if (!stop_samba(info.kdc_pid, sp.root))
    throw util::setup_error("lab_kdc_stuck",
                            "The lab's Samba domain controller (pid " + std::to_string(info.kdc_pid) +
                                ") did not stop after SIGKILL.",
                            "Check the process with `ps " + std::to_string(info.kdc_pid) + "`; the folder was kept.");
  if (info.dc) release_address(info.dc->address, info.dir);
  std::error_code ec;
  fs::remove_all(info.dir, ec);
  if (ec)
    throw util::setup_error("lab_remove_failed", "The domain controller is stopped but " + info.dir.string() +
                                                     " could not be removed: " + ec.message() + ".",
                            "Remove the folder by hand.");
  return result;
}

void restart_dc(LabInfo& info) {
  const SambaTools tools = find_samba_tools();
  const LabPaths paths = info.paths();
  const SambaPaths sp(paths.samba_dir);
  if (!stop_samba(info.kdc_pid, sp.root))
    throw util::setup_error("lab_kdc_stuck", "The lab's Samba domain controller (pid " + std::to_string(info.kdc_pid) +
                                                 ") did not stop for the restart.");
  util::write_private_file(sp.smb_conf, render_smb_conf(sp, info.dc->address, paths.samba_log, info.dc->ldap_strong_auth));
  const ScopedUmask umask_guard(077);
  info.kdc_pid = start_samba(tools, sp, info.dc->address, paths.samba_log, samba_env(paths));
}

}  // namespace authctx::lab
