// Keytab entries for an AD account, derived from its password as the DC derives its keys.
//
// The lab sets service passwords itself (LDIF on ldbmodify's stdin), so it can make the
// keytab without `samba-tool domain exportkeytab` (a Python process per principal): it asks
// the DC for the account's salt and string-to-key parameters (krb5_get_etype_info: an
// AS-REQ without pre-authentication whose PREAUTH_REQUIRED error carries PA-ETYPE-INFO2,
// RFC 4120 §5.2.7.5; AD salts user accounts with REALM + sAMAccountName), derives the
// aes256, aes128 and rc4-hmac keys (krb5_c_string_to_key_with_params; AES keys share the
// salt, RC4 takes none) and adds one entry per SPN with the account's current kvno
// (msDS-KeyVersionNumber). Entries already in the keytab stay, as `ktadd` leaves older
// kvnos. The krb5 context comes from the lab's krb5.conf alone. Failures throw
// util::setup_error with the library's message.
#pragma once
#include <krb5/krb5.h>

#include <filesystem>
#include <string>
#include <vector>

namespace authctx::lab {

struct AccountKeys {
  std::string account_principal;  // e.g. websvc@AD.AUTHCTX.TEST (asked for the salt)
  std::string password;
  std::vector<std::string> principals;  // keytab names, e.g. HTTP/localhost@AD.AUTHCTX.TEST
  krb5_kvno kvno = 0;
};

void add_account_keys(const std::filesystem::path& krb5_conf, const std::filesystem::path& keytab,
                      const AccountKeys& keys);

}  // namespace authctx::lab
