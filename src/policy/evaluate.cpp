// The checks, one per expectation kind. Each reads facts from the document (facts.hpp),
// compares, and says in words what it expected, what it saw, where, and what to do next.
#include "policy/evaluate.hpp"

#include <algorithm>
#include <cstdint>

namespace authctx::policy {
namespace {

constexpr std::int64_t k_indefinite = 0xffffffffLL;  // GSS_C_INDEFINITE (RFC 2744 §5.19)

bool has(const Json& arr, std::string_view s) {
  return arr.is_array() &&
         std::any_of(arr.begin(), arr.end(), [&](const Json& v) { return v.is_string() && v.get<std::string>() == s; });
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

const char* own_side(const Json& doc) { return string_at(doc, "command") == "server" ? "acceptor" : "initiator"; }

// The engine's own warning of class cls: it knows more than the document's values say
// (why SPNEGO chose NTLM; which AD account holds an RC4-only SPN).
const Json* warning_of(const Json& doc, std::string_view cls) {
  const auto it = doc.find("warnings");
  if (it == doc.end() || !it->is_array()) return nullptr;
  for (const auto& w : *it)
    if (w.is_object() && string_at(w, "class") == cls) return &w;
  return nullptr;
}

// Adds the fallback's cause to r.detail and takes its next step as r.hint, else `otherwise`.
void explain_ntlm(Result& r, const Json& doc, const char* otherwise) {
  if (const auto* w = warning_of(doc, "ntlm_fallback")) {
    r.detail += "; " + string_at(*w, "message");
    r.hint = string_at(*w, "hint");
  }
  if (r.hint.empty()) r.hint = otherwise;
}

bool compare(std::int64_t actual, Compare op, std::int64_t want) {
  switch (op) {
    case Compare::eq: return actual == want;
    case Compare::ne: return actual != want;
    case Compare::ge: return actual >= want;
    case Compare::le: return actual <= want;
    case Compare::gt: return actual > want;
    case Compare::lt: return actual < want;
  }
  return false;
}

bool glob(std::string_view p, std::string_view s) {
  // Iterative `*` matching with one backtrack point: linear in practice, never recursive.
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string without_realm(const std::string& name) {
  std::string s = name;
  if (const auto at = s.rfind('@'); at != std::string::npos) s.resize(at);
  if (const auto bs = s.find('\\'); bs != std::string::npos) s = s.substr(bs + 1);
  return s;
}

Result check_mech(const Expectation& e, const Json& doc) {
  Result r;
  const auto name = mech_name(doc);
  const auto oid = mech_oid(doc);
  const bool spnego = via_spnego(doc);
  auto matches = [&](const std::string& w) {
    if (w == "spnego") return spnego;
    return w.find('.') != std::string::npos ? oid == w : name == w;
  };
  const bool any = std::any_of(e.names.begin(), e.names.end(), matches);
  r.ok = e.op == Compare::eq ? any : !any;
  r.expected = (e.op == Compare::eq ? "" : "not ") + join(e.names, e.op == Compare::eq ? " or " : " nor ");
  r.actual = name.empty() ? Json(nullptr) : Json(name);
  r.detail = std::string("negotiated mechanism") + (spnego ? ", inside SPNEGO" : "");
  if (!r.ok)
    explain_ntlm(r, doc,
                 "check the initiator's --mech/--neg-mechs and the mechanisms the acceptor accepts (--accept-mechs)");
  return r;
}

Result check_no_ntlm(const Json& doc) {
  Result r;
  const auto legs = ntlm_legs(doc);
  r.expected = "no NTLM leg";
  std::vector<std::string> idx;
  idx.reserve(legs.size());
  for (const int i : legs) idx.push_back(std::to_string(i));
  r.ok = legs.empty() && mech_name(doc) != "ntlm";
  r.actual = legs.empty() ? (r.ok ? "no NTLM leg" : "mechanism ntlm") : "NTLM in legs " + join(idx);
  r.detail = "decoded tokens of every leg" + std::string(via_spnego(doc) ? " (NTLM inside SPNEGO included)" : "");
  if (!r.ok)
    explain_ntlm(r, doc,
                 "the initiator chose NTLM: give it a Kerberos ticket (kinit) for a service principal the KDC knows "
                 "(kvno SERVICE/host), or offer only krb5 (--mech krb5 or --neg-mechs krb5)");
  return r;
}

std::string floor_words(const Expectation& e) {
  if (e.op == Compare::eq) return e.enctype.id ? enctype_label(*e.enctype.id) : e.enctype.text;
  return std::string(rank_word(e.enctype.rank)) + " or stronger";
}

bool meets(const Expectation& e, std::int64_t id) {
  if (e.op == Compare::eq) return e.enctype.id && *e.enctype.id == id;
  const auto rank = enctype_rank(id);
  return rank && *rank >= e.enctype.rank;
}

Result check_enctype(const Expectation& e, const Json& doc) {
  Result r;
  r.expected = floor_words(e);
  const auto id = session_enctype(doc);
  if (!id) {
    r.actual = nullptr;
    r.detail = mech_name(doc) == "ntlm" ? "the NTLM session key has no Kerberos enctype"
                                        : "no session key enctype in either context view";
    r.hint = "a Kerberos session key is needed: use Kerberos (see no-ntlm)";
    return r;
  }
  r.actual = enctype_label(*id);
  r.ok = meets(e, *id);
  r.detail = std::string("session key of the ") + own_side(doc) + "'s context";
  if (!r.ok)
    r.hint =
        "the KDC picks the session key from the enctypes the client, the KDC and the service share: remove weak "
        "ones from the client's permitted_enctypes and the service's supported enctypes "
        "(AD: msDS-SupportedEncryptionTypes)";
  return r;
}

Result check_ticket_enctype(const Expectation& e, const Json& doc) {
  Result r;
  r.expected = floor_words(e);
  const auto t = service_ticket(doc);
  if (!t || !t->etype) {
    r.actual = nullptr;
    r.detail =
        "no AP-REQ with a ticket in the legs (mechanism " + (mech_name(doc).empty() ? "-" : mech_name(doc)) + ")";
    r.hint = "a Kerberos service ticket is needed: use Kerberos (see no-ntlm)";
    return r;
  }
  r.actual = t->etype_name.empty() ? enctype_label(*t->etype) : t->etype_name;
  r.ok = meets(e, *t->etype);
  r.detail = "enc-part of the ticket for " + (t->server.empty() ? std::string("the service") : t->server) + " in leg " +
             std::to_string(t->leg) + (t->kvno ? ", kvno " + std::to_string(*t->kvno) : "");
  if (!r.ok) {
    const auto* rc4 = warning_of(doc, "rc4_service_ticket");  // names the AD account (ad_diagnostics)
    r.hint = rc4 != nullptr && !string_at(*rc4, "hint").empty()
                 ? string_at(*rc4, "hint")
                 : "the KDC encrypts the ticket in the service's long-term key: give the service account AES keys and "
                   "allow them (AD: msDS-SupportedEncryptionTypes = 0x18 on the account, then reset its password and "
                   "re-export the keytab; MIT: cpw -randkey -e aes256-cts and ktadd)";
  }
  return r;
}

Result check_flag_list(const Expectation& e, const Json& have, const std::string& where, const std::string& hint) {
  Result r;
  r.expected = "includes " + join(e.names);
  r.actual = have;
  std::vector<std::string> missing;
  for (const auto& n : e.names)
    if (!has(have, n)) missing.push_back(n);
  r.ok = have.is_array() && missing.empty();
  r.detail = where + (missing.empty() ? "" : "; missing " + join(missing));
  if (!r.ok) r.hint = hint;
  return r;
}

Result check_flags(const Expectation& e, const Json& doc) {
  const auto& own = own_context(doc);
  const bool use_own = own.is_object();
  const auto& ctx = use_own ? own : other_context(doc);
  const std::string side =
      use_own ? own_side(doc) : (std::string(own_side(doc)) == "initiator" ? "acceptor" : "initiator");
  return check_flag_list(
      e, ctx.is_object() ? granted_flags(ctx) : Json(nullptr), "flags granted to the " + side,
      "request them (--conf, --integ, --sequence; mutual unless --no-mutual) and use a mechanism that "
      "grants them (NTLM grants neither mutual authentication nor replay detection to the acceptor)");
}

Result check_ticket_flags(const Expectation& e, const Json& doc) {
  auto r = check_flag_list(e, context_fact(doc, "ticket_flags"), "flags of the service ticket",
                           "ticket flags come from the KDC: the service principal's attributes (e.g. +ok_as_delegate), "
                           "the user's (+requires_preauth) and the TGT (kinit -f for forwardable)");
  if (r.actual.is_null()) r.detail = "no Kerberos ticket flags in the context views (mechanism " + mech_name(doc) + ")";
  return r;
}

Result no_acceptor_view(Result r) {
  r.actual = nullptr;
  r.detail = "no acceptor view: the server sent no report (--no-report, or not an authctx server)";
  r.hint = "run the check where the acceptor's view is known (on the server, or with authctx server reporting)";
  return r;
}

Result check_channel_bound(const Json& doc) {
  Result r;
  r.expected = "acceptor flags include channel_bound";
  const auto& acc = acceptor_context(doc);
  if (!acc.is_object()) return no_acceptor_view(r);
  r.ok = has(granted_flags(acc), "channel_bound");
  r.actual = r.ok;
  r.detail = "flags granted to the acceptor";
  if (!r.ok)
    r.hint =
        "give the initiator and the acceptor the same --channel-bindings: an MIT acceptor given bindings still "
        "accepts an initiator that sent none, without marking the context channel-bound";
  return r;
}

Result check_delegation(const Json& doc, bool want) {
  Result r;
  r.expected = want ? "a delegated credential" : "no delegated credential";
  const bool happened = delegation_happened(doc);
  r.actual = happened;
  r.ok = happened == want;
  r.detail = "deleg flag granted, or a delegated credential at the acceptor";
  if (!r.ok)
    r.hint = want ? "request it (--delegate); with --delegate-policy the KDC must mark the service ok-as-delegate "
                    "(kadmin modprinc +ok_as_delegate; AD: trusted for delegation), and the TGT must be forwardable"
                  : "the initiator delegated its TGT: drop --delegate, and in AD remove unconstrained delegation "
                    "from the service account";
  return r;
}

Result check_pac(const Expectation& e, const Json& doc) {
  Result r;
  r.expected = e.names.empty() ? "a PAC" : "a PAC with " + join(e.names);
  const auto buffers = pac_buffers(doc);
  if (!buffers) return no_acceptor_view(r);
  Json actual = Json::array();
  std::vector<std::string> missing;
  for (const auto& b : *buffers)
    if (!b.empty()) actual.push_back(b);
  for (const auto& n : e.names)
    if (std::find(buffers->begin(), buffers->end(), n) == buffers->end()) missing.push_back(n);
  r.ok = !buffers->empty() && missing.empty();
  r.actual = actual;
  r.detail = buffers->empty() ? "no urn:mspac: name attribute at the acceptor"
                              : "urn:mspac: name attributes at the acceptor" +
                                    (missing.empty() ? std::string() : "; missing " + join(missing));
  if (!r.ok)
    r.hint =
        "the KDC put no (or a partial) PAC in the ticket: MIT leaves it out for a service with "
        "+no_auth_data_required, AD for an account marked NO_AUTH_DATA_REQUIRED; only an AD KDC writes logon-info";
  return r;
}

Result check_number(const Expectation& e, std::optional<std::int64_t> actual, const char* unit) {
  Result r;
  r.expected = std::string(compare_text(e.op)) + " " + std::to_string(e.number) + unit;
  if (!actual) {
    r.actual = nullptr;
    return r;
  }
  r.actual = *actual;
  r.ok = compare(*actual, e.op, e.number);
  return r;
}

Result check_lifetime(const Expectation& e, const Json& doc) {
  auto life = lifetime_seconds(doc);
  // An indefinite context outlives any floor and exceeds any ceiling.
  const bool indefinite = life && *life == k_indefinite;
  auto r = check_number(e, indefinite ? std::optional<std::int64_t>(INT64_MAX) : life, " s");
  if (indefinite) r.actual = "indefinite";
  r.detail = life ? std::string("remaining lifetime of the ") + own_side(doc) + "'s context"
                  : "no lifetime in the context views";
  if (!r.ok)
    r.hint =
        "a context lives as long as its ticket: the TGT's lifetime (kinit -l; the KDC's max_life, AD's ticket "
        "policy) bounds it, and an old TGT leaves less";
  return r;
}

Result check_legs(const Expectation& e, const Json& doc) {
  const auto& legs = member(doc, "legs");
  auto r = check_number(e, legs.is_array() ? std::optional<std::int64_t>(legs.size()) : std::nullopt, "");
  r.detail = "tokens exchanged";
  if (!r.ok)
    r.hint =
        "the leg count shows the mechanism: krb5 is 1 leg (2 with mutual), SPNEGO/krb5 2, NTLM 3, SPNEGO/NTLM 4, "
        "IAKERB more (proxied KDC exchanges)";
  return r;
}

Result check_principal(const Expectation& e, const Json& doc, bool target) {
  Result r;
  const auto& pattern = e.names.front();
  r.expected = (e.op == Compare::eq ? "" : "not ") + pattern;
  const auto name = context_fact(doc, target ? "target_name" : "source_name");
  r.detail = target ? "target name of the context" : "initiator's name (source name of the context)";
  if (!name.is_string()) {
    r.actual = nullptr;
    r.detail += ": not in the context views";
    return r;
  }
  r.actual = name;
  const bool match = principal_matches(pattern, name.get<std::string>(), target);
  r.ok = e.op == Compare::eq ? match : !match;
  if (!r.ok)
    r.hint = target
                 ? "the initiator addressed another service: check --target/--target-type and the acceptor's keytab"
                 : "the initiator authenticated as someone else: check its ccache (klist), --user or --client-keytab";
  return r;
}

Result check_no_warnings(const Json& doc) {
  Result r;
  r.expected = "no warning";
  Json classes = Json::array();
  std::string hint;
  if (doc.contains("warnings") && doc["warnings"].is_array())
    for (const auto& w : doc["warnings"])
      if (w.is_object()) {
        classes.push_back(string_at(w, "class"));
        if (hint.empty()) hint = string_at(w, "hint");
      }
  r.actual = classes;
  r.ok = classes.empty();
  r.detail = "the document's warnings";
  if (!r.ok) r.hint = hint.empty() ? "see the warnings" : hint;
  return r;
}
}  // namespace

bool principal_matches(const std::string& pattern, const std::string& name, bool target) {
  if (glob(pattern, name)) return true;
  const bool has_realm = pattern.find('@') != std::string::npos;
  if (!has_realm && pattern.find('\\') == std::string::npos && glob(pattern, without_realm(name))) return true;
  if (target && has_realm && pattern.find('/') == std::string::npos) {
    // GSS host-based form service@host (RFC 2743 §4.1) names the principal service/host.
    auto hostbased = pattern;
    hostbased[hostbased.find('@')] = '/';
    return glob(hostbased, without_realm(name));
  }
  return false;
}

std::string actual_text(const Json& actual) {
  if (actual.is_null()) return "none";
  if (actual.is_string()) return actual.get<std::string>();
  if (actual.is_boolean()) return actual.get<bool>() ? "yes" : "no";
  if (actual.is_array()) {
    std::string out;
    for (const auto& v : actual)
      out += (out.empty() ? "" : " ") + (v.is_string() ? v.get<std::string>() : json::dump(v));
    return out.empty() ? "(none)" : out;
  }
  return json::dump(actual);
}

// Every check words its condition before reading the document, so an empty one gives it.
std::string expected_words(const Expectation& e) { return evaluate(e, Json::object()).expected; }

Result evaluate(const Expectation& e, const Json& doc) {
  switch (e.check) {
    case Check::mech: return check_mech(e, doc);
    case Check::no_ntlm: return check_no_ntlm(doc);
    case Check::enctype: return check_enctype(e, doc);
    case Check::ticket_enctype: return check_ticket_enctype(e, doc);
    case Check::flags: return check_flags(e, doc);
    case Check::ticket_flags: return check_ticket_flags(e, doc);
    case Check::channel_bound: return check_channel_bound(doc);
    case Check::delegated: return check_delegation(doc, true);
    case Check::no_delegation: return check_delegation(doc, false);
    case Check::pac: return check_pac(e, doc);
    case Check::lifetime: return check_lifetime(e, doc);
    case Check::legs: return check_legs(e, doc);
    case Check::user: return check_principal(e, doc, false);
    case Check::target: return check_principal(e, doc, true);
    case Check::no_warnings: return check_no_warnings(doc);
  }
  return {};
}

}  // namespace authctx::policy
