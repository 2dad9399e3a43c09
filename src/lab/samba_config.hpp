// The Active Directory lab's names and files: realm AD.AUTHCTX.TEST served by a Samba DC
// named dc1 on its own loopback address.
//
// Contract: everything a Samba DC reads or writes lives under the lab's samba/ folder (its
// smb.conf names the private, state, lock, cache and pid folders and the sockets there, so
// nothing lands in /var/lib/samba or /run/samba and several DCs can run at once), and the
// DC listens only on its 127.0.0.N ("bind interfaces only"; the /8 is required, without it
// Samba finds no interface and exits). render_smb_conf() is the whole smb.conf: no shares
// but sysvol/netlogon, services limited to what the lab uses (ldap, cldap, kdc: the
// Kerberos KDC with kpasswd, LDAP/LDAPS and the global catalog), ldb without fsync (a
// throwaway lab: provisioning and edits are several times faster on a busy disk).
// render_ad_krb5_conf() is the clients' krb5.conf: no DNS, the KDC and kpasswd at the DC's
// address, localhost and the AD DNS domain mapped to the realm.
#pragma once
#include <filesystem>
#include <string>

#include "lab/config.hpp"

namespace authctx::lab {

inline constexpr const char* k_ad_realm = "AD.AUTHCTX.TEST";
inline constexpr const char* k_ad_dns_domain = "ad.authctx.test";
inline constexpr const char* k_ad_netbios_domain = "AUTHCTX";
inline constexpr const char* k_ad_base_dn = "DC=ad,DC=authctx,DC=test";
inline constexpr const char* k_dc_host = "dc1";
inline constexpr const char* k_dc_fqdn = "dc1.ad.authctx.test";
inline constexpr const char* k_ad_admin = "Administrator";
// Service accounts and their SPNs. host/localhost goes on first: Samba refuses HTTP/X on
// one account and then host/X on another (HTTP is an alias of host in sPNMappings), but
// allows the other order.
inline constexpr const char* k_host_account = "hostsvc";
inline constexpr const char* k_web_account = "websvc";

struct SambaPaths {
  std::filesystem::path root;  // DIR/samba: the DC's own tree (a copy of the template)
  std::filesystem::path smb_conf, private_dir, sam_ldb, domain_partition, lock_dir, state_dir, cache_dir, pid_dir,
      bind_dns_dir;

  explicit SambaPaths(const std::filesystem::path& samba_root);
};

// ldap_strong_auth: `ldap server require strong auth` (yes: simple binds without TLS and
// SASL binds without signing or sealing are refused, Samba's and AD's default; no: both
// allowed).
std::string render_smb_conf(const SambaPaths& paths, const std::string& address, const std::filesystem::path& log,
                            bool ldap_strong_auth);

std::string render_ad_krb5_conf(const LabPaths& paths, const std::string& address);

// A stand-in kdc.conf, so that KRB5_KDC_PROFILE points inside the lab as with the MIT lab
// (MIT's KDC tools then never read the machine's /etc/krb5kdc/kdc.conf).
std::string render_ad_kdc_conf();

}  // namespace authctx::lab
