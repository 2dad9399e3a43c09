#include "engine/established.hpp"

#include "engine/negotiation.hpp"
#include "report/ad_diagnostics.hpp"
#include "gss/flags.hpp"
#include "krb5/enctypes.hpp"

namespace authctx::engine {
namespace {

// An NTLM weakness the decoder flagged ({"id": ...} in a weaknesses list) anywhere in a
// decoded tree. Walks the tree rather than its serialised text: names in tokens need not be
// UTF-8.
bool has_weakness(const decode::Value& v, int depth = 0) {
  if (depth > 32) return false;
  if (v.is_object()) {
    const auto& id = v["id"].as_string();
    if (id == "ntlmv1_response" || id == "lm_response") return true;
    for (const auto& m : v.members())
      if (has_weakness(m.value, depth + 1)) return true;
  } else if (v.is_array()) {
    for (const auto& item : v.items())
      if (has_weakness(item, depth + 1)) return true;
  }
  return false;
}

void delegation_warnings(const report::Document& doc, std::uint32_t requested, std::vector<report::Warning>& out) {
  const auto granted = doc.initiator ? doc.initiator->info.flags : 0U;
  if ((requested & GSS_C_DELEG_FLAG) == 0 || (granted & GSS_C_DELEG_FLAG) != 0) return;
  // The service ticket's flags say why (RFC 4120 §2.6, §2.8): a non-forwardable TGT gives a
  // non-forwardable service ticket; with GSS_C_DELEG_POLICY_FLAG the KDC must also say
  // ok-as-delegate.
  const auto tf = doc.initiator ? doc.initiator->info.ticket_flags : std::nullopt;
  const bool forwardable = tf && (*tf & 0x40000000U) != 0;
  const bool ok_as_delegate = tf && (*tf & 0x00040000U) != 0;
  if (tf && !forwardable)
    out.push_back({"delegation_not_granted", "delegation was requested but not granted: the ticket is not forwardable",
                   "get a forwardable TGT (`kinit -f`, or forwardable = true in [libdefaults] of krb5.conf) and check "
                   "the client principal allows it (`kadmin getprinc`: no -allow_forwardable)"});
  else if (tf && (requested & GSS_C_DELEG_POLICY_FLAG) != 0 && !ok_as_delegate)
    out.push_back({"delegation_not_granted",
                   "delegation was requested by policy but the KDC does not mark the service ok-as-delegate",
                   "mark the service trusted for delegation (`kadmin modprinc +ok_as_delegate service/host`) or "
                   "use --delegate without --delegate-policy"});
  else
    out.push_back({"delegation_not_granted", "delegation was requested but not granted",
                   "the TGT must be forwardable (`kinit -f`) and the mechanism must support delegation"});
}

// --require-mech: a context on another mechanism is a failure (class ntlm_fallback when
// SPNEGO fell back to NTLM).
void enforce_required_mech(Recorder& rec, const InitiatorOptions& init,
                           const std::optional<report::Warning>& fallback) {
  auto& doc = rec.doc();
  if (!init.require_mech || doc.mech == *init.require_mech) return;
  ErrorReport r;
  r.stage = "negotiation";
  r.side = Side::initiator;
  r.message = "--require-mech " + gss::mech_name(*init.require_mech) + " was given but " + gss::mech_name(doc.mech) +
              " was negotiated" + (fallback ? ": " + fallback->message : "");
  r.cls = fallback ? "ntlm_fallback" : "required_mech_not_negotiated";
  r.hint = fallback ? fallback->hint : "see negotiation.offered and the acceptor's mechanisms";
  doc.established = false;
  rec.error(std::move(r));
}
}  // namespace

std::vector<report::Warning> view_warnings(const report::Document& doc) {
  std::vector<report::Warning> out;
  const std::uint32_t requested = doc.initiator ? doc.initiator->requested_flags.value_or(0) : 0;
  const auto granted = doc.initiator ? doc.initiator->info.flags : 0U;
  if ((requested & GSS_C_MUTUAL_FLAG) != 0 && (granted & GSS_C_MUTUAL_FLAG) == 0)
    out.push_back({"mutual_not_granted", "mutual authentication was requested but not granted",
                   "the server did not prove its identity; check that the mechanism supports it"});
  delegation_warnings(doc, requested, out);
  for (const auto& leg : doc.legs) {
    if (!leg.decoded || !has_weakness(*leg.decoded)) continue;
    out.push_back({"ntlmv1", "the NTLM client sent an NTLMv1 or LM response (leg " + std::to_string(leg.index) + ")",
                   "NTLMv1/LM responses can be cracked offline from a capture: require NTLMv2 (LmCompatibilityLevel "
                   "5 on Windows clients)"});
    break;
  }
  for (const auto* view : {doc.initiator ? &*doc.initiator : nullptr, doc.acceptor ? &*doc.acceptor : nullptr}) {
    if (view == nullptr || !view->info.session_key || !view->info.session_key->enctype) continue;
    const auto e = *view->info.session_key->enctype;
    if (krb5::weak_enctype(e)) {
      out.push_back({"weak_enctype", "the session key uses a weak encryption type (" + gss::enctype_name(e) + ")",
                     "give the service aes256-cts-hmac-sha1-96 / aes128 keys and remove rc4/des from "
                     "permitted_enctypes"});
      break;
    }
  }
  return out;
}

void record_contexts(Recorder& rec, Party* initiator, Party* acceptor) {
  if (initiator != nullptr) rec.context(Side::initiator, initiator->view());
  if (acceptor != nullptr) rec.context(Side::acceptor, acceptor->view());
}

void review(Recorder& rec, const Review& asked) {
  auto& doc = rec.doc();
  doc.negotiation = spnego_negotiation(doc);
  auto warnings = view_warnings(doc);
  const auto fallback = explain_ntlm_fallback(doc, asked.initiator, asked.acceptor);
  if (fallback) warnings.push_back(*fallback);
  report::ad::refine_warnings(doc, warnings);  // AD: RC4 tickets, delegation policy, SPN causes
  for (auto& w : warnings) rec.warning(std::move(w));
  if (asked.initiator != nullptr) enforce_required_mech(rec, *asked.initiator, fallback);
}

}  // namespace authctx::engine
