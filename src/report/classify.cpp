#include "report/classify.hpp"

extern "C" {
#include <com_err.h>
}
#include <krb5/krb5.h>

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "krb5/handles.hpp"
#include "report/ad_diagnostics.hpp"
#include "report/ticket_view.hpp"

namespace authctx::report {
namespace {

struct MinorRule {
  krb5_error_code code;
  const char* cls;
  const char* hint;
};

// Kerberos minor codes -> class. Order matters only for the text fallback (first match).
const std::array<MinorRule, 24> k_minor_rules{{
    {KRB5KRB_AP_ERR_NOT_US, "acceptor_name_mismatch",
     "the ticket is for another service than the key that decrypted it: the acceptor's keytab holds a key that "
     "matches but under another principal; check --acceptor-name and the target name"},
    {KRB5KRB_AP_ERR_NOKEY, "keytab_no_matching_key",
     "the acceptor's keytab has no key for the ticket's service principal: `klist -k KEYTAB` and compare with "
     "the target; extract it with `kadmin ktadd -norandkey -k KEYTAB service/host`"},
    {KRB5_CC_NOT_KTYPE, "enctype_unsupported",
     "no ticket with an encryption type this client permits: compare permitted_enctypes in krb5.conf with the "
     "enctypes of the tickets and keys (`klist -e`, `klist -ke`)"},
    {KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, "service_principal_unknown",
     "the KDC has no principal for this target: check the name (service@host), that the host name is the one "
     "registered (dns_canonicalize_hostname and rdns in krb5.conf change it), and `kvno service/host` to test"},
    {KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, "client_unknown",
     "the KDC does not know the client principal: check the user name and realm (`klist` shows who you are)"},
    {KRB5KDC_ERR_PREAUTH_FAILED, "preauth_failed",
     "pre-authentication failed, usually a wrong password or a stale client keytab: re-enter the password or "
     "re-export the keytab"},
    {KRB5KRB_AP_ERR_BAD_INTEGRITY, "preauth_failed",
     "the KDC could not decrypt with the client's key: the password or client keytab is wrong"},
    {KRB5_KDC_UNREACH, "kdc_unreachable",
     "no KDC answered: check the [realms] kdc entries in krb5.conf, that the KDC runs, and firewalls (port 88)"},
    {KRB5_REALM_UNKNOWN, "realm_unknown",
     "the realm is not configured: add it to [realms] in krb5.conf (or set KRB5_CONFIG to the right file)"},
    {KRB5_REALM_CANT_RESOLVE, "realm_unknown",
     "the realm's KDC cannot be resolved: add a kdc entry for it to krb5.conf"},
    {KRB5_FCC_NOFILE, "no_credentials",
     "there is no credential cache: get a ticket with `kinit`, or point --ccache / KRB5CCNAME at one"},
    {KRB5_CC_NOTFOUND, "no_credentials",
     "the credential cache holds no usable ticket: run `kinit` (and check `klist`)"},
    {KRB5KRB_AP_ERR_TKT_EXPIRED, "credentials_expired", "the ticket has expired: run `kinit` again (or `kinit -R`)"},
    {KRB5KDC_ERR_TGT_REVOKED, "credentials_expired", "the ticket-granting ticket is no longer valid: run `kinit`"},
    {KRB5KRB_AP_ERR_SKEW, "clock_skew",
     "the clocks of client and server differ by more than the allowed skew (5 minutes): synchronise them with "
     "NTP (`chronyc tracking`)"},
    {KRB5KRB_AP_ERR_REPEAT, "replay",
     "the acceptor has already seen this authenticator: a replayed token, or two requests in the same "
     "microsecond; the replay cache is doing its job"},
    {KRB5_KT_NOTFOUND, "keytab_no_matching_key",
     "the keytab has no key for the service principal in the ticket: `klist -k KEYTAB` and compare with the "
     "target; extract the key with `kadmin ktadd -norandkey`"},
    {KRB5_KT_KVNONOTFOUND, "keytab_kvno_mismatch",
     "the keytab lacks the key version the ticket was encrypted with (the service was rekeyed): export the "
     "current key (`kadmin ktadd -norandkey`) and compare `kvno SERVICE` with `klist -k`"},
    {KRB5KRB_AP_ERR_BADKEYVER, "keytab_kvno_mismatch",
     "the ticket's key version is not in the keytab: re-export the service key"},
    {KRB5KRB_AP_ERR_MODIFIED, "keytab_no_matching_key",
     "the acceptor could not decrypt the ticket: its keytab key differs from the KDC's (stale keytab or "
     "wrong password for the service); re-export the key"},
    {KRB5KDC_ERR_ETYPE_NOSUPP, "enctype_unsupported",
     "no encryption type is shared by client, KDC and service: compare permitted_enctypes with the keys' "
     "enctypes (`klist -ke`)"},
    {KRB5_BAD_ENCTYPE, "enctype_unsupported",
     "an encryption type is not supported or not permitted: check permitted_enctypes in krb5.conf"},
    {KRB5KRB_AP_WRONG_PRINC, "acceptor_name_mismatch",
     "the ticket is for another service than the acceptor's name: check --acceptor-name against the target"},
    {KRB5_KT_END, "keytab_no_matching_key", "the keytab is empty or lacks the service key: `klist -k KEYTAB`"},
}};

bool text_has(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

// The acceptor's default keytab (KRB5_KTNAME or the library default) as a file, if it is one.
bool acceptor_keytab_exists() {
  const krb5::Context ctx;
  if (ctx.init_error() != 0) return true;
  char name[1024] = {};
  if (krb5_kt_default_name(ctx.get(), name, sizeof name) != 0) return true;
  std::string path(name);
  if (path.rfind("FILE:", 0) == 0) path = path.substr(5);
  if (path.rfind("WRFILE:", 0) == 0) path = path.substr(7);
  return path.empty() || path.front() != '/' || ::access(path.c_str(), F_OK) == 0;
}

const MinorRule* by_code(OM_uint32 minor) {
  const auto code = static_cast<krb5_error_code>(minor);
  for (const auto& r : k_minor_rules)
    if (r.code == code) return &r;
  return nullptr;
}

// SPNEGO hands back mechglue-mapped minor codes; the text is the krb5 library's own
// message (possibly extended with names), so compare against error_message(code).
const MinorRule* by_text(const std::string& text) {
  if (text.empty()) return nullptr;
  for (const auto& r : k_minor_rules) {
    const std::string base = error_message(r.code);
    if (!base.empty() && text_has(text, base.c_str())) return &r;
  }
  // MIT's extended messages insert names into the base text.
  if (text_has(text, "not found in Kerberos database")) {
    return text.rfind("Client", 0) == 0 ? by_code(static_cast<OM_uint32>(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN))
                                        : by_code(static_cast<OM_uint32>(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN));
  }
  if (text_has(text, "No Kerberos credentials available") || text_has(text, "No credentials cache found") ||
      text_has(text, "Can't find client principal"))
    return by_code(static_cast<OM_uint32>(KRB5_FCC_NOFILE));
  if (text_has(text, "No key table entry found")) return by_code(static_cast<OM_uint32>(KRB5_KT_NOTFOUND));
  if (text_has(text, "not found in keytab")) {
    return text_has(text, " kvno ") && text_has(text, "out of date")
               ? by_code(static_cast<OM_uint32>(KRB5_KT_KVNONOTFOUND))
               : by_code(static_cast<OM_uint32>(KRB5KRB_AP_ERR_NOKEY));
  }
  if (text_has(text, "supported encryption types")) return by_code(static_cast<OM_uint32>(KRB5_CC_NOT_KTYPE));
  if (text_has(text, "Clock skew too great")) return by_code(static_cast<OM_uint32>(KRB5KRB_AP_ERR_SKEW));
  if (text_has(text, "Cannot contact any KDC")) return by_code(static_cast<OM_uint32>(KRB5_KDC_UNREACH));
  if (text_has(text, "Request is a replay")) return by_code(static_cast<OM_uint32>(KRB5KRB_AP_ERR_REPEAT));
  return nullptr;
}
}  // namespace

// gss-ntlmssp reports errno values as minor codes (measured with gss-ntlmssp 1.2.0: a wrong
// password fails accept with EINVAL, an unknown user with ENOENT); through SPNEGO the
// number is remapped but the text is strerror's.
std::optional<Classification> classify_ntlm(const gss::GssError& error, std::optional<Side> side) {
  const auto& text = error.minor_text();
  const bool einval = error.minor() == EINVAL || text == std::strerror(EINVAL);
  const bool enoent = error.minor() == ENOENT || text == std::strerror(ENOENT);
  if (side == Side::acceptor && einval)
    return Classification{"preauth_failed",
                          "the NTLM response does not match the acceptor's password for this user: a wrong password "
                          "(the acceptor reads DOMAIN:user:password lines from NTLM_USER_FILE)"};
  if (side == Side::acceptor && enoent)
    return Classification{"client_unknown",
                          "the acceptor does not know this NTLM user: add a DOMAIN:user:password line to its "
                          "NTLM_USER_FILE (both AUTHCTX and AUTHCTX.TEST domains in the lab)"};
  if (side == Side::initiator && (enoent || GSS_ROUTINE_ERROR(error.major()) == GSS_S_NO_CRED))
    return Classification{"no_credentials",
                          "no NTLM credentials: give --user with --password-file/--password-stdin, or set "
                          "NTLM_USER_FILE (DOMAIN:user:password lines) or NTLMUSER"};
  return std::nullopt;
}

Classification classify(const gss::GssError& error, std::optional<Side> side, const gss::Oid* context_mech) {
  const auto routine = GSS_ROUTINE_ERROR(error.major());
  const bool ntlm = (error.mech() && *error.mech() == gss::ntlm_oid()) ||
                    (context_mech != nullptr && *context_mech == gss::ntlm_oid());
  if (routine == GSS_S_BAD_MECH && error.mech() && *error.mech() == gss::ntlm_oid())
    return {"mech_unavailable",
            "the NTLM mechanism is not installed: `apt-get install gss-ntlmssp` (it registers itself in "
            "/etc/gss/mech.d)"};
  if (ntlm)
    if (auto c = classify_ntlm(error, side)) return *c;
  if (routine == GSS_S_BAD_BINDINGS)
    return {"channel_binding_mismatch",
            "the channel bindings of the two sides differ: both must bind to the same TLS channel (or both omit "
            "--channel-bindings)"};
  if (routine == GSS_S_BAD_MECH)
    return {"mech_unavailable",
            "the mechanism is not available in this GSS-API library: `authctx mechs` lists what is; NTLM needs "
            "the gss-ntlmssp package"};
  if ((error.major() & GSS_S_DUPLICATE_TOKEN) != 0 || routine == GSS_S_DUPLICATE_ELEMENT)
    return {"replay", "the acceptor has already seen this token: a replay (the replay cache is working)"};
  if (routine == GSS_S_BAD_SIG)
    return {"integrity_failure", "a checksum did not verify: the token was altered or keys differ"};
  if (side == Side::acceptor &&
      (routine == GSS_S_NO_CRED || static_cast<krb5_error_code>(error.minor()) == KRB5_KT_NOTFOUND) &&
      !acceptor_keytab_exists())
    return {"keytab_missing",
            "the acceptor's keytab does not exist: set --keytab or KRB5_KTNAME to the service's keytab (`klist -k "
            "FILE` lists it)"};
  // MIT returns KRB5KRB_AP_ERR_NOT_US both for "not found in keytab" (no key at all) and for
  // "found in keytab but does not match server principal" (a key under another name).
  if (static_cast<krb5_error_code>(error.minor()) == KRB5KRB_AP_ERR_NOT_US &&
      !text_has(error.minor_text(), "does not match"))
    return {"keytab_no_matching_key",
            "the acceptor's keytab has no key for the ticket's service principal: `klist -k KEYTAB` and compare "
            "with the target; extract it with `kadmin ktadd -norandkey -k KEYTAB service/host`"};
  if (const auto* rule = by_code(error.minor())) return {rule->cls, rule->hint};
  if (const auto* rule = by_text(error.minor_text())) return {rule->cls, rule->hint};
  if (routine == GSS_S_CREDENTIALS_EXPIRED) return {"credentials_expired", "the credentials have expired: run `kinit`"};
  if (routine == GSS_S_NO_CRED) {
    if (side == Side::acceptor && !acceptor_keytab_exists())
      return {"keytab_missing",
              "the acceptor's keytab does not exist: set --keytab or KRB5_KTNAME to the service's keytab (`klist -k "
              "FILE` lists it)"};
    if (side == Side::acceptor)
      return {"keytab_no_matching_key",
              "the acceptor has no usable key: check --keytab / KRB5_KTNAME and --acceptor-name (`klist -k`)"};
    return {"no_credentials", "no credentials for this mechanism: run `kinit` or give --ccache / --user"};
  }
  if (routine == GSS_S_DEFECTIVE_TOKEN)
    return {"defective_token", "the peer's token could not be parsed: see the decoded legs for what was sent"};
  return {"gss_failure", "see the major and minor texts; `authctx doctor` checks the Kerberos set-up"};
}

namespace {
bool has_type_prefix(const decode::Value& v, std::string_view prefix, int depth = 0) {
  if (depth > 16) return false;
  if (v.is_object()) {
    if (v["type"].as_string().rfind(prefix, 0) == 0) return true;
    for (const auto& m : v.members())
      if (has_type_prefix(m.value, prefix, depth + 1)) return true;
  } else if (v.is_array()) {
    for (const auto& item : v.items())
      if (has_type_prefix(item, prefix, depth + 1)) return true;
  }
  return false;
}
}  // namespace

std::optional<gss::Oid> mech_from_legs(const Document& doc) {
  for (auto it = doc.legs.rbegin(); it != doc.legs.rend(); ++it) {
    if (!it->decoded) continue;
    if (has_type_prefix(*it->decoded, "ntlm.")) return gss::ntlm_oid();
    if (has_type_prefix(*it->decoded, "krb5.")) return gss::krb5_oid();
  }
  return std::nullopt;
}

namespace {
const decode::Value* find_type(const decode::Value& v, std::string_view type, int depth = 0) {
  if (depth > 16) return nullptr;
  if (v.is_object()) {
    if (v["type"].as_string() == type) return &v;
    for (const auto& m : v.members())
      if (const auto* f = find_type(m.value, type, depth + 1)) return f;
  }
  return nullptr;
}

std::optional<std::int64_t> parse_rfc3339(const std::string& s) {
  std::tm tm{};
  if (::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return std::nullopt;
  return static_cast<std::int64_t>(::timegm(&tm));
}

// KRB_AP_ERR_SKEW from the acceptor carries its time (RFC 4120 §5.9.1 stime): the offset
// between that and our clock is what a person needs to fix.
void add_clock_offset(ErrorReport& report, const Document& doc) {
  for (auto it = doc.legs.rbegin(); it != doc.legs.rend(); ++it) {
    if (!it->decoded) continue;
    const auto* err = find_type(*it->decoded, "krb5.krb_error");
    if (err == nullptr || !err->contains("stime")) continue;
    const auto stime = parse_rfc3339((*err)["stime"].as_string());
    if (!stime) continue;
    const auto offset = *stime - static_cast<std::int64_t>(std::time(nullptr));
    report.clock_offset_seconds = offset;
    report.hint = "the acceptor's clock is " + std::to_string(offset < 0 ? -offset : offset) + " s " +
                  (offset < 0 ? "behind" : "ahead of") + " this one (more than the 300 s allowed): " + report.hint;
    return;
  }
}
}  // namespace

void classify(ErrorReport& report, const Document* doc) {
  // Only a peer's KRB-ERROR carries another clock than ours.
  if (report.cls == "clock_skew" && report.remote && doc != nullptr && !report.clock_offset_seconds)
    add_clock_offset(report, *doc);
  if (!report.cls.empty() || !report.gss) return;
  std::optional<gss::Oid> mech;
  if (doc != nullptr) mech = doc->mech.empty() || doc->mech == gss::spnego_oid() ? mech_from_legs(*doc) : doc->mech;
  auto c = classify(*report.gss, report.side, mech ? &*mech : nullptr);
  report.cls = std::move(c.cls);
  report.hint = std::move(c.hint);
  ad::refine_error(report, doc);  // AD: duplicate SPN, IP address target, wrong account's key
  // An acceptor that can read its keytab says what the ticket needed and what was sent.
  if (doc != nullptr) refine_acceptor_error(report, *doc);
}

}  // namespace authctx::report
