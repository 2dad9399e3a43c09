#include "lab/config.hpp"

#include <fstream>
#include <stdexcept>
#include <string_view>

#include "util/files.hpp"

namespace authctx::lab {

LabPaths::LabPaths(const std::filesystem::path& lab_dir)
    : dir(lab_dir),
      krb5_conf(lab_dir / "krb5.conf"),
      kdc_conf(lab_dir / "kdc.conf"),
      database(lab_dir / "principal"),
      stash(lab_dir / "stash"),
      acl(lab_dir / "kadm5.acl"),
      keytab(lab_dir / "keytab"),
      ccache(lab_dir / "ccache"),
      ntlm_user_file(lab_dir / "ntlm_users"),
      password_file(lab_dir / "alice.password"),
      rcache_dir(lab_dir / "rcache"),
      kdc_log(lab_dir / "krb5kdc.log"),
      kadmin_log(lab_dir / "kadmin.log"),
      state_file(lab_dir / "lab.json"),
      samba_dir(lab_dir / "samba"),
      samba_log(lab_dir / "samba.log"),
      admin_password_file(lab_dir / "admin.password") {}

util::Environment lab_environment(const LabPaths& paths) {
  return {
      {"KRB5_CONFIG", paths.krb5_conf.string()},
      {"KRB5_KDC_PROFILE", paths.kdc_conf.string()},
      {"KRB5CCNAME", "FILE:" + paths.ccache.string()},
      {"KRB5_KTNAME", "FILE:" + paths.keytab.string()},
      {"KRB5RCACHEDIR", paths.rcache_dir.string()},
      {"NTLM_USER_FILE", paths.ntlm_user_file.string()},
  };
}

std::string render_libdefaults(const LabPaths& paths, const std::string& realm) {
  // DNS and reverse DNS are off so that host/localhost is used verbatim: a resolver that
  // canonicalises "localhost" to the machine's name would ask for a principal we lack.
  return "[libdefaults]\n"
         "    default_realm = " + realm + "\n"
         "    dns_lookup_kdc = false\n"
         "    dns_lookup_realm = false\n"
         "    dns_canonicalize_hostname = false\n"
         "    rdns = false\n"
         "    udp_preference_limit = 1\n"
         "    forwardable = true\n"
         "    default_keytab_name = FILE:" + paths.keytab.string() + "\n";
}

std::string render_krb5_conf(const LabPaths& paths, std::uint16_t port) {
  const std::string kdc = std::string(k_kdc_address) + ":" + std::to_string(port);
  return "# Written by `authctx lab up`; this lab only.\n" + render_libdefaults(paths, k_realm) +
         "\n"
         "[realms]\n"
         "    " + std::string(k_realm) + " = {\n"
         "        kdc = " + kdc + "\n"
         "        admin_server = " + kdc + "\n"
         "    }\n"
         "\n"
         "[domain_realm]\n"
         "    localhost = " + std::string(k_realm) + "\n";
}

std::string render_kdc_conf(const LabPaths& paths, std::uint16_t port) {
  const std::string listen = std::string(k_kdc_address) + ":" + std::to_string(port);
  return "# Written by `authctx lab up`; this lab only.\n"
         "[kdcdefaults]\n"
         "    kdc_listen = " + listen + "\n"
         "    kdc_tcp_listen = " + listen + "\n"
         "\n"
         "[realms]\n"
         "    " + std::string(k_realm) + " = {\n"
         "        database_name = " + paths.database.string() + "\n"
         "        key_stash_file = " + paths.stash.string() + "\n"
         "        acl_file = " + paths.acl.string() + "\n"
         "        kdc_listen = " + listen + "\n"
         "        kdc_tcp_listen = " + listen + "\n"
         "        max_life = 24h 0m 0s\n"
         "        max_renewable_life = 7d 0h 0m 0s\n"
         "    }\n"
         "\n"
         "[logging]\n"
         "    kdc = FILE:" + paths.kdc_log.string() + "\n"
         "    admin_server = FILE:" + paths.kadmin_log.string() + "\n"
         "    default = FILE:" + paths.kadmin_log.string() + "\n";
}

std::string render_ntlm_user_file(const std::string& password) {
  // gss-ntlmssp matches the domain of the user's name against the first field (measured
  // with gss-client/gss-server over NTLM: with only the realm line, `alice`,
  // `alice@AUTHCTX.TEST` and `AUTHCTX.TEST\alice` authenticate but `AUTHCTX\alice` does
  // not), so the short NetBIOS-style domain gets a line of its own.
  return std::string(k_realm) + ":" + k_user + ":" + password + "\n" + k_ntlm_domain + ":" + k_user + ":" +
         password + "\n";
}

void write_config_files(const LabPaths& paths, std::uint16_t port) {
  util::write_private_file(paths.krb5_conf, render_krb5_conf(paths, port));
  util::write_private_file(paths.kdc_conf, render_kdc_conf(paths, port));
  // No kadmind runs; the ACL only has to exist for kadmin.local's configuration check.
  util::write_private_file(paths.acl, "*/admin@" + std::string(k_realm) + " *\n");
}

std::string random_password(std::size_t n) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom) throw std::runtime_error("cannot open /dev/urandom");
  std::string out;
  // 62 symbols: reject bytes >= 248 (4 * 62) so every symbol is equally likely.
  while (out.size() < n) {
    char c = 0;
    if (!urandom.get(c)) throw std::runtime_error("cannot read /dev/urandom");
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 248) continue;
    out += k_alphabet[byte % k_alphabet.size()];
  }
  return out;
}

std::string random_complex_password(std::size_t n) {
  for (;;) {
    auto p = random_password(n);
    bool upper = false, lower = false, digit = false;
    for (const char c : p) {
      upper = upper || (c >= 'A' && c <= 'Z');
      lower = lower || (c >= 'a' && c <= 'z');
      digit = digit || (c >= '0' && c <= '9');
    }
    if (upper && lower && digit) return p;
  }
}

}  // namespace authctx::lab
