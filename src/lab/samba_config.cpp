#include "lab/samba_config.hpp"

namespace authctx::lab {

SambaPaths::SambaPaths(const std::filesystem::path& samba_root)
    : root(samba_root),
      smb_conf(samba_root / "etc" / "smb.conf"),
      private_dir(samba_root / "private"),
      sam_ldb(samba_root / "private" / "sam.ldb"),
      // The domain naming context's own tdb (sam.ldb's partition for DC=ad,...): writing it
      // directly skips Samba's module stack, which is how the lab makes a duplicate SPN.
      domain_partition(samba_root / "private" / "sam.ldb.d" / "DC=AD,DC=AUTHCTX,DC=TEST.ldb"),
      lock_dir(samba_root / "lock"),
      state_dir(samba_root / "state"),
      cache_dir(samba_root / "cache"),
      pid_dir(samba_root / "run"),
      bind_dns_dir(samba_root / "bind-dns") {}

std::string render_smb_conf(const SambaPaths& p, const std::string& address, const std::filesystem::path& log,
                            bool ldap_strong_auth) {
  const std::string run = p.pid_dir.string();
  return "# Written by `authctx lab up --kdc samba`; this lab only.\n"
         "[global]\n"
         "\tnetbios name = DC1\n"
         "\trealm = " + std::string(k_ad_realm) + "\n"
         "\tworkgroup = " + k_ad_netbios_domain + "\n"
         "\tserver role = active directory domain controller\n"
         "\tserver services = ldap, cldap, kdc\n"
         "\tinterfaces = " + address + "/8\n"
         "\tbind interfaces only = yes\n"
         "\tidmap_ldb:use rfc2307 = yes\n"
         "\tldb:nosync = true\n"
         "\tldap server require strong auth = " + (ldap_strong_auth ? "yes" : "no") + "\n"
         "\tprivate dir = " + p.private_dir.string() + "\n"
         "\tlock directory = " + p.lock_dir.string() + "\n"
         "\tstate directory = " + p.state_dir.string() + "\n"
         "\tcache directory = " + p.cache_dir.string() + "\n"
         "\tbinddns dir = " + p.bind_dns_dir.string() + "\n"
         "\tpid directory = " + run + "\n"
         "\tncalrpc dir = " + run + "/ncalrpc\n"
         "\twinbindd socket directory = " + run + "/winbindd\n"
         "\tntp signd socket directory = " + run + "/ntp_signd\n"
         "\tlog file = " + log.string() + "\n"
         "\n"
         "[sysvol]\n"
         "\tpath = " + (p.state_dir / "sysvol").string() + "\n"
         "\tread only = No\n"
         "\n"
         "[netlogon]\n"
         "\tpath = " + (p.state_dir / "sysvol" / k_ad_dns_domain / "scripts").string() + "\n"
         "\tread only = No\n";
}

std::string render_ad_krb5_conf(const LabPaths& paths, const std::string& address) {
  const std::string realm = k_ad_realm;
  // As for the MIT lab: no DNS and no reverse DNS, so names are used as given (an AD client
  // would find the DC through DNS SRV records; the lab has no DNS server).
  return "# Written by `authctx lab up --kdc samba`; this lab only.\n" + render_libdefaults(paths, realm) +
         "\n"
         "[realms]\n"
         "    " + realm + " = {\n"
         "        kdc = " + address + ":88\n"
         "        admin_server = " + address + "\n"
         "        kpasswd_server = " + address + ":464\n"
         "    }\n"
         "\n"
         "[domain_realm]\n"
         "    localhost = " + realm + "\n"
         "    " + k_ad_dns_domain + " = " + realm + "\n"
         "    ." + k_ad_dns_domain + " = " + realm + "\n";
}

std::string render_ad_kdc_conf() {
  return "# Written by `authctx lab up --kdc samba`: the KDC of this lab is Samba's, which does not\n"
         "# read this file; it is here so that MIT's KDC tools never read the machine's kdc.conf.\n"
         "[realms]\n"
         "    " + std::string(k_ad_realm) + " = {\n"
         "    }\n";
}

}  // namespace authctx::lab
