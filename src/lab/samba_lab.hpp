// The Active Directory flavour of the lab: `authctx lab up --kdc samba` (internal to src/lab;
// lab.hpp dispatches here).
//
// up_samba() builds the lab in a folder like the MIT lab: a copy of the cached provisioned
// domain (samba_template.hpp) in DIR/samba, a claimed loopback address (loopback.hpp), a new
// random password for Administrator (in DIR/admin.password, never printed), alice (printed,
// as the contract says for the MIT lab) and both service accounts, set through LDIF on
// ldbmodify's stdin before the DC starts; the DC (samba.hpp); the keytab of host/localhost
// (account hostsvc) and HTTP/localhost (account websvc) derived from those passwords
// (ad_keytab.hpp); alice's TGT; lab.json. On any failure it stops the DC, releases the
// address and removes what it made. down_samba() stops only that lab's DC (verified through
// /proc), releases the address and removes the folder. restart_dc() applies a new smb.conf
// (the LDAP signing knob). refresh_accounts() re-reads the lab's accounts from the directory.
// Why LDIF on stdin rather than the alternatives (measured here): `samba-tool user create
// NAME PASS` and `--adminpass=` put passwords on a command line, readable by any local user in
// /proc; samba-tool's own prompt needs a terminal (a pty); the kpasswd protocol with an
// Administrator TGT (krb5_set_password_using_ccache, 125 ms per account) works but needs the
// DC running and Administrator's password first. One ldbmodify sets every password in one
// process (0.5 s, the cost of a single samba-tool call) before the DC starts, and the
// knobs reuse the same path.
#pragma once
#include "lab/ad_directory.hpp"
#include "lab/lab.hpp"

namespace authctx::lab {

LabInfo up_samba(const UpOptions& options);
DownResult down_samba(const LabInfo& info);

// The directory of an AD lab (its tools located, so this throws like find_samba_tools).
Directory lab_directory(const LabInfo& info);

// Rewrites smb.conf from info (address, LDAP signing) and restarts the DC; updates
// info.kdc_pid. Throws util::setup_error when the DC does not come back.
void restart_dc(LabInfo& info);

// Re-reads alice, hostsvc, websvc, Administrator and the DC's account (SPNs, kvno,
// msDS-SupportedEncryptionTypes, userAccountControl) into info.accounts.
void refresh_accounts(LabInfo& info, const Directory& directory);

// The DN of a user the lab made (CN=NAME,CN=Users,DC=ad,DC=authctx,DC=test).
std::string user_dn(const std::string& name);

}  // namespace authctx::lab
