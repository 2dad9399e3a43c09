#include "doctor/hints.hpp"

#include <array>
#include <utility>

#include "gss/status.hpp"
#include "report/classify.hpp"

namespace authctx::doctor {
namespace {

// A class the doctor decides itself -> the krb5 error a handshake would fail with.
constexpr std::array<std::pair<std::string_view, krb5_error_code>, 11> k_class_codes{{
    {"kdc_unreachable", KRB5_KDC_UNREACH},
    {"realm_unknown", KRB5_REALM_UNKNOWN},
    {"no_credentials", KRB5_FCC_NOFILE},
    {"credentials_expired", KRB5KRB_AP_ERR_TKT_EXPIRED},
    {"clock_skew", KRB5KRB_AP_ERR_SKEW},
    {"service_principal_unknown", KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN},
    {"client_unknown", KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN},
    {"keytab_no_matching_key", KRB5_KT_NOTFOUND},
    {"keytab_kvno_mismatch", KRB5_KT_KVNONOTFOUND},
    {"enctype_unsupported", KRB5KDC_ERR_ETYPE_NOSUPP},
    {"preauth_failed", KRB5KDC_ERR_PREAUTH_FAILED},
}};

struct LocalHint {
  std::string_view cls;
  std::string_view hint;
};

constexpr std::array<LocalHint, 6> k_local_hints{{
    {"keytab_missing",
     "the keytab cannot be read: check --keytab / KRB5_KTNAME and the file's permissions, or export one with "
     "`kadmin ktadd -norandkey -k FILE SERVICE/HOST`"},
    {"weak_enctype",
     "rc4 and DES enctypes are deprecated (RFC 8429): give the principal AES keys (`kadmin cpw -randkey "
     "-e aes256-cts:normal PRINCIPAL`) and re-export the keytab"},
    {"mech_unavailable",
     "NTLM needs the gss-ntlmssp package (`apt-get install gss-ntlmssp`); `authctx mechs` lists what is "
     "available"},
    {"config_unreadable",
     "krb5.conf could not be parsed: check KRB5_CONFIG and the file's syntax (`[section]`, `name = value`)"},
    {"delegation_not_granted",
     "the TGT is not forwardable, so delegation will not work: `kinit -f`, or `forwardable = true` in "
     "[libdefaults]"},
    {"credentials_expiring", "the TGT expires within the hour: renew it with `kinit -R`, or run `kinit`"},
}};
}  // namespace

ClassHint classify_krb5(krb5_error_code code) {
  // The krb5 mechanism reports Kerberos errors as GSS_S_FAILURE with the com_err code as
  // the minor status (RFC 1964 §2.2 leaves minor codes to the mechanism); classify it so.
  const gss::GssError as_gss("doctor", GSS_S_FAILURE, static_cast<OM_uint32>(code));
  auto c = report::classify(as_gss, std::nullopt);
  return {std::move(c.cls), std::move(c.hint)};
}

ClassHint hint_for(std::string_view cls) {
  for (const auto& [name, code] : k_class_codes)
    if (name == cls) {
      auto c = classify_krb5(code);
      if (c.cls == cls) return c;
    }
  for (const auto& h : k_local_hints)
    if (h.cls == cls) return {std::string(cls), std::string(h.hint)};
  return {std::string(cls), "see the check's detail"};
}

}  // namespace authctx::doctor
