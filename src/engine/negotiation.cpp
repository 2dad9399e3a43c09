#include "engine/negotiation.hpp"

#include "engine/party.hpp"
#include "gss/handles.hpp"
#include "report/classify.hpp"
#include "report/decoded_json.hpp"

namespace authctx::engine {
namespace {

using report::direction_name;
using report::Leg;
using report::Side;
using report::to_json;

const decode::Value* spnego_node(const Leg& leg) {
  if (!leg.decoded) return nullptr;
  const decode::Value* v = &*leg.decoded;
  if ((*v)["type"].as_string() == "gss.initial_context_token") v = v->find("inner_token");
  if (v == nullptr) return nullptr;
  const auto& type = (*v)["type"].as_string();
  return type.rfind("spnego.", 0) == 0 ? v : nullptr;
}

std::string mech_of(const decode::Value& v) {
  const auto& name = v["name"].as_string();
  if (name == "ntlmssp") return "ntlm";
  return name.empty() ? v["oid"].as_string() : name;
}

std::vector<std::string> offered_mechs(const Document& doc) {
  std::vector<std::string> out;
  if (doc.legs.empty()) return out;
  if (const auto* init = spnego_node(doc.legs.front()))
    for (const auto& m : (*init)["mech_types"].items()) out.push_back(mech_of(m));
  return out;
}

bool krb5_name(const std::string& m) { return m == "krb5" || m == "krb5_wrong" || m == "krb5_old"; }

// Can the initiator get Kerberos credentials, and a ticket for the target?
std::optional<Warning> initiator_reason(const InitiatorOptions& init) {
  InitiatorOptions probe = init;
  probe.mech = gss::krb5_oid();
  probe.neg_mechs.clear();
  probe.req_flags = 0;
  try {
    // Acquire explicitly: with no options the default credential is used.
    const gss::Oid mechs[] = {gss::krb5_oid()};
    if (init.ccache.empty() && init.client_keytab.empty() && !init.password)
      (void)gss::Cred::acquire_from(nullptr, gss::CredUsage::initiate, mechs, {});
    Initiator initiator(probe);
    const auto r = initiator.step({});
    if (!r.error) return std::nullopt;
    const auto c = report::classify(*r.error, Side::initiator);
    if (c.cls == "service_principal_unknown")
      return Warning{
          "ntlm_fallback",
          "SPNEGO fell back to NTLM because the target has no principal in the KDC (" + r.error->text() + ")",
          "register the service principal for " + init.target +
              " (`kadmin addprinc -randkey service/host`, and a keytab for the server) or use the name "
              "the KDC knows; --require-mech krb5 makes this a failure"};
    return Warning{
        "ntlm_fallback",
        "SPNEGO fell back to NTLM because Kerberos failed for this target: " + r.error->text() + " [" + c.cls + "]",
        c.hint};
  } catch (const gss::GssError& e) {
    return Warning{"ntlm_fallback",
                   "SPNEGO fell back to NTLM because there are no Kerberos credentials (" + e.text() + ")",
                   "get a Kerberos ticket first (`kinit user@REALM`, or --ccache / --client-keytab / --user with a "
                   "password); --require-mech krb5 makes this a failure"};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<Warning> acceptor_reason(const AcceptorOptions& acc) {
  std::map<std::string, std::string> store;
  if (!acc.keytab.empty()) store["keytab"] = acc.keytab;
  const gss::Oid mechs[] = {gss::krb5_oid()};
  try {
    (void)gss::Cred::acquire_from(nullptr, gss::CredUsage::accept, mechs, store);
  } catch (const gss::GssError& e) {
    return Warning{"ntlm_fallback",
                   "SPNEGO fell back to NTLM because the acceptor has no Kerberos key (" + e.text() + ")",
                   "give the acceptor a keytab with the service's key (--keytab, KRB5_KTNAME; `kadmin ktadd`)"};
  }
  return std::nullopt;
}
}  // namespace

std::optional<Json> spnego_negotiation(const Document& doc) {
  if (doc.legs.empty() || spnego_node(doc.legs.front()) == nullptr) return std::nullopt;
  Json j;
  const auto& init = *spnego_node(doc.legs.front());
  auto offered = Json::array();
  for (const auto& m : init["mech_types"].items()) offered.push_back(to_json(m));
  j["offered"] = offered;
  j["initial_token"] = init["type"].as_string();
  const bool optimistic = init.contains("mech_token");
  j["optimistic_token"] = optimistic ? Json(mech_of(init["mech_types"][0])) : Json(nullptr);
  Json negotiated = nullptr;
  Json final_state = nullptr;
  auto mics = Json::array();
  for (const auto& leg : doc.legs) {
    const auto* node = spnego_node(leg);
    if (node == nullptr) continue;
    if (negotiated.is_null() && node->contains("supported_mech")) negotiated = to_json((*node)["supported_mech"]);
    if (node->contains("neg_state")) final_state = (*node)["neg_state"]["name"].as_string();
    if (node->contains("mech_list_mic"))
      mics.push_back(Json{{"leg", leg.index},
                          {"direction", direction_name(leg.direction)},
                          {"length", (*node)["mech_list_mic"]["length"].as_uint()}});
  }
  j["negotiated"] = negotiated;
  if (optimistic && negotiated.is_object())
    j["optimistic_token_used"] = negotiated["oid"] == to_json(init["mech_types"][0]["oid"]);
  else
    j["optimistic_token_used"] = nullptr;
  j["final_state"] = final_state;
  j["mech_list_mic"] = mics;
  return j;
}

std::optional<Warning> explain_ntlm_fallback(const Document& doc, const InitiatorOptions* init,
                                             const AcceptorOptions* acc) {
  if (doc.requested_mech.empty() || doc.requested_mech != gss::spnego_oid()) {
    // A server does not know what was requested; the first leg says it was SPNEGO.
    if (!(init == nullptr && !doc.legs.empty() && spnego_node(doc.legs.front()) != nullptr)) return std::nullopt;
  }
  if (doc.mech != gss::ntlm_oid()) return std::nullopt;
  const auto offered = offered_mechs(doc);
  const bool krb5_offered = std::any_of(offered.begin(), offered.end(), krb5_name);
  if (init != nullptr && !init->neg_mechs.empty() &&
      std::none_of(init->neg_mechs.begin(), init->neg_mechs.end(),
                   [](const gss::Oid& o) { return o == gss::krb5_oid(); }))
    return std::nullopt;  // Kerberos was excluded on purpose
  if (krb5_offered) {
    if (acc != nullptr && !acc->accept_mechs.empty() &&
        std::none_of(acc->accept_mechs.begin(), acc->accept_mechs.end(),
                     [](const gss::Oid& o) { return o == gss::krb5_oid(); }))
      return Warning{"ntlm_fallback",
                     "SPNEGO fell back to NTLM because the acceptor does not negotiate Kerberos (--accept-mechs)",
                     "add krb5 to the acceptor's --accept-mechs"};
    if (acc != nullptr)
      if (auto w = acceptor_reason(*acc)) return w;
    return Warning{"ntlm_fallback",
                   "SPNEGO fell back to NTLM because the acceptor refused the Kerberos token although it was offered",
                   "check the acceptor's keytab holds the service key (`klist -k`) and its logs; --require-mech krb5 "
                   "makes this a failure"};
  }
  if (init != nullptr) return initiator_reason(*init);
  return Warning{"ntlm_fallback",
                 "SPNEGO fell back to NTLM because the initiator offered no Kerberos mechanism (it has no Kerberos "
                 "credentials or could not get a ticket for this service)",
                 "on the client: `klist`, then `kvno service/host` to see which it is"};
}

}  // namespace authctx::engine
