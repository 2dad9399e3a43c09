// Lab configuration files: where everything of one lab lives inside its folder, and the
// text of krb5.conf, kdc.conf and the NTLM user file.
//
// Contract: every path of a lab is inside its folder (database, stash, ACL, logs, keytab,
// ccache, replay cache), so several labs can run side by side and `lab down` removes all of
// it. krb5.conf turns off DNS and reverse DNS, prefers TCP (udp_preference_limit = 1) and maps
// `localhost` to the lab realm; kdc.conf makes krb5kdc listen on 127.0.0.1:PORT only.
// Files are written with util::write_private_file (0600, atomic).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "util/process.hpp"

namespace authctx::lab {

inline constexpr const char* k_realm = "AUTHCTX.TEST";
inline constexpr const char* k_kdc_address = "127.0.0.1";
inline constexpr const char* k_user = "alice";
inline constexpr const char* k_ntlm_domain = "AUTHCTX";  // NetBIOS-style short domain

struct LabPaths {
  std::filesystem::path dir;
  std::filesystem::path krb5_conf, kdc_conf, database, stash, acl, keytab, ccache, ntlm_user_file,
      password_file, rcache_dir, kdc_log, kadmin_log, state_file;
  // The AD flavour (samba_config.hpp): the DC's tree, its log, Administrator's password.
  std::filesystem::path samba_dir, samba_log, admin_password_file;

  explicit LabPaths(const std::filesystem::path& lab_dir);
};

// The environment a program needs to use this lab: KRB5_CONFIG, KRB5_KDC_PROFILE,
// KRB5CCNAME, KRB5_KTNAME, KRB5RCACHEDIR, NTLM_USER_FILE.
util::Environment lab_environment(const LabPaths& paths);

std::string render_krb5_conf(const LabPaths& paths, std::uint16_t port);
// The [libdefaults] section both flavours share (no DNS, TCP first, forwardable, the lab keytab).
std::string render_libdefaults(const LabPaths& paths, const std::string& realm);
std::string render_kdc_conf(const LabPaths& paths, std::uint16_t port);
std::string render_ntlm_user_file(const std::string& password);

// Writes krb5.conf, kdc.conf and the ACL file (all 0600).
void write_config_files(const LabPaths& paths, std::uint16_t port);

// n characters from [A-Za-z0-9], drawn from /dev/urandom without modulo bias.
std::string random_password(std::size_t n = 16);
// The same, redrawn until it has an upper-case letter, a lower-case letter and a digit, so
// that Active Directory's complexity rule (three of the character classes) accepts it.
std::string random_complex_password(std::size_t n = 16);

}  // namespace authctx::lab
