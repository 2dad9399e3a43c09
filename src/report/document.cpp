#include "report/document.hpp"

#include "decode/decode.hpp"
#include "decode/pac.hpp"
#include "gss/flags.hpp"
#include "report/decoded_json.hpp"
#include "util/base64.hpp"
#include "util/timefmt.hpp"

namespace authctx::report {

std::string_view direction_name(Direction d) {
  return d == Direction::initiator_to_acceptor ? "initiator->acceptor" : "acceptor->initiator";
}

Direction sent_by(Side side) {
  return side == Side::initiator ? Direction::initiator_to_acceptor : Direction::acceptor_to_initiator;
}

double elapsed_since_start(const Document& doc) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - doc.started).count();
}

Json mech_json(const gss::Oid& mech) {
  if (mech.empty()) return nullptr;
  return Json{{"name", gss::mech_name(mech)}, {"oid", mech.dotted()}};
}

Json leg_json(const Leg& leg, const JsonOptions& options) {
  Json j{{"index", leg.index},
         {"direction", direction_name(leg.direction)},
         {"length", leg.token.size()},
         {"base64", util::base64_encode(leg.token)}};
  if (options.decode) {
    if (leg.decoded) {
      j["decoded"] = to_json(*leg.decoded);
    } else {
      decode::Options d;
      d.show_secrets = options.show_secrets;
      j["decoded"] = to_json(decode::decode_token(leg.token, d));
    }
  }
  if (!leg.transport.is_null()) j["transport"] = leg.transport;
  return j;
}

void decode_leg(Leg& leg, bool show_secrets) {
  decode::Options d;
  d.show_secrets = show_secrets;
  leg.decoded = decode::decode_token(leg.token, d);
}

namespace {
// RFC 2743 §4 / RFC 1964 §2.1 name types by a short name.
Json name_type_json(const gss::Oid& type) {
  static const std::pair<const char*, const char*> k_types[] = {{"1.2.840.113554.1.2.2.1", "krb5_principal"},
                                                                {"1.2.840.113554.1.2.1.4", "hostbased_service"},
                                                                {"1.2.840.113554.1.2.1.1", "user_name"},
                                                                {"1.2.840.113554.1.2.1.2", "machine_uid"},
                                                                {"1.2.840.113554.1.2.1.3", "string_uid"},
                                                                {"1.3.6.1.5.6.2", "hostbased_service_x"},
                                                                {"1.3.6.1.5.6.3", "anonymous"},
                                                                {"1.3.6.1.5.6.4", "export_name"},
                                                                {"1.3.6.1.4.1.311.2.2.10", "ntlm"}};
  const auto dotted = type.dotted();
  for (const auto& [oid, name] : k_types)
    if (dotted == oid) return Json{{"oid", dotted}, {"name", name}};
  return Json{{"oid", dotted}, {"name", nullptr}};
}

Json name_json(const std::optional<gss::DisplayedName>& name) {
  if (!name) return nullptr;
  return name->text;
}

// MIT exposes the PAC as urn:mspac: attributes (src/lib/krb5/krb/pac.c): the whole PAC
// under "urn:mspac:" and each buffer under its name or number. Each buffer is decoded into
// named fields (MS-PAC); the whole PAC only into its buffer list, the buffers being there
// already. The credentials buffer stays redacted unless show_secrets.
std::optional<Json> decoded_pac_attribute(const gss::NameAttribute& a, bool show_secrets) {
  if (a.values.empty() || a.name.rfind("urn:mspac:", 0) != 0) return std::nullopt;
  decode::Options d;
  d.show_secrets = show_secrets;
  if (const auto type = decode::pac_buffer_type_for_attribute(a.name))
    return to_json(decode::decode_pac_buffer(*type, a.values.front(), d));
  if (a.name != "urn:mspac:") return std::nullopt;
  Json pac = to_json(decode::decode_pac(a.values.front(), d));
  if (pac.contains("buffers"))
    for (auto& b : pac["buffers"]) b.erase("decoded");
  return pac;
}

Json attributes_json(const std::vector<gss::NameAttribute>& attrs, bool show_secrets) {
  auto out = Json::array();
  for (const auto& a : attrs) {
    Json j{{"name", a.name}, {"authenticated", a.authenticated}, {"complete", a.complete}};
    auto lengths = Json::array();
    for (const auto& v : a.values) lengths.push_back(v.size());
    j["value_lengths"] = lengths;
    if (!a.display_values.empty()) j["display_values"] = a.display_values;
    if (show_secrets) {
      auto values = Json::array();
      for (const auto& v : a.values) values.push_back(util::base64_encode(v));
      j["values_base64"] = values;
    }
    if (auto decoded = decoded_pac_attribute(a, show_secrets)) j["decoded"] = std::move(*decoded);
    out.push_back(std::move(j));
  }
  return out;
}
}  // namespace

Json context_json(const ContextView& view, const JsonOptions& options) {
  const auto& info = view.info;
  Json j;
  j["source_name"] = name_json(info.source_name);
  j["target_name"] = name_json(info.target_name);
  j["source_name_type"] = info.source_name ? name_type_json(info.source_name->type) : Json(nullptr);
  j["target_name_type"] = info.target_name ? name_type_json(info.target_name->type) : Json(nullptr);
  j["mech"] = mech_json(info.mech);
  Json flags;
  if (view.requested_flags) flags["requested"] = gss::context_flag_names(*view.requested_flags);
  flags["granted"] = gss::context_flag_names(info.flags);
  j["flags"] = flags;
  j["lifetime_seconds"] = info.lifetime_seconds;
  if (info.context_time) j["context_time_seconds"] = *info.context_time;
  // GSS_C_INDEFINITE means no expiry; otherwise the expiry is now + the remaining lifetime.
  const std::uint32_t remaining = info.context_time.value_or(info.lifetime_seconds);
  if (info.open && remaining != GSS_C_INDEFINITE && remaining != 0)
    j["expires_at"] = util::rfc3339_utc(util::now_unix() + remaining);
  else
    j["expires_at"] = nullptr;
  j["locally_initiated"] = info.locally_initiated;
  j["open"] = info.open;
  if (info.session_key) {
    Json key;
    if (info.session_key->enctype)
      key["enctype"] =
          Json{{"id", *info.session_key->enctype}, {"name", gss::enctype_name(*info.session_key->enctype)}};
    else
      key["enctype"] = nullptr;
    key["length"] = info.session_key->key.size();
    key["base64"] = options.show_secrets ? Json(util::base64_encode(info.session_key->key)) : Json("[redacted]");
    j["session_key"] = key;
  } else {
    j["session_key"] = nullptr;
  }
  j["ticket_flags"] = info.ticket_flags ? Json(gss::ticket_flag_names(*info.ticket_flags)) : Json(nullptr);
  j["authtime"] = info.authtime ? Json(util::rfc3339_utc(*info.authtime)) : Json(nullptr);
  j["sasl_ssf"] = info.sasl_ssf ? Json(*info.sasl_ssf) : Json(nullptr);
  j["name_attributes"] = attributes_json(info.name_attributes, options.show_secrets);
  j["delegated_credentials"] = view.delegated ? *view.delegated : Json(nullptr);
  if (view.ticket) j["ticket"] = *view.ticket;
  return j;
}

Json message_json(const MessageCheck& m) {
  Json j{{"kind", m.kind}, {"direction", direction_name(m.direction)}};
  if (m.kind == "wrap") {
    j["conf_requested"] = m.conf_requested;
    j["conf"] = m.conf;
  }
  j["length"] = m.length;
  j["ok"] = m.ok;
  if (!m.ok) j["error"] = m.error;
  return j;
}

Json warning_json(const Warning& w) { return Json{{"class", w.cls}, {"message", w.message}, {"hint", w.hint}}; }

Json document_json(const Document& doc, const JsonOptions& options) {
  Json j;
  j["schema"] = "authctx/1";
  j["command"] = doc.command;
  j["established"] = doc.established;
  j["mech"] = mech_json(doc.mech);
  j["requested_mech"] = mech_json(doc.requested_mech);
  auto legs = Json::array();
  for (const auto& leg : doc.legs) legs.push_back(leg_json(leg, options));
  j["legs"] = legs;
  j["initiator"] = doc.initiator ? context_json(*doc.initiator, options) : Json(nullptr);
  j["acceptor"] = doc.acceptor ? context_json(*doc.acceptor, options)
                               : (doc.acceptor_report ? *doc.acceptor_report : Json(nullptr));
  if (!doc.peer.empty()) j["peer"] = doc.peer;
  auto messages = Json::array();
  for (const auto& m : doc.messages) messages.push_back(message_json(m));
  j["messages"] = messages;
  if (doc.application) j["application"] = *doc.application;
  if (doc.negotiation) j["negotiation"] = *doc.negotiation;
  auto warnings = Json::array();
  for (const auto& w : doc.warnings) warnings.push_back(warning_json(w));
  j["warnings"] = warnings;
  j["error"] = doc.error ? error_json(*doc.error) : Json(nullptr);
  if (doc.traced) {
    auto trace = Json::array();
    for (const auto& t : doc.trace)
      trace.push_back(Json{{"leg", t.leg ? Json(*t.leg) : Json(nullptr)}, {"message", t.message}});
    j["trace"] = trace;
  }
  j["elapsed_ms"] = doc.elapsed_ms;
  if (!doc.transport.is_null()) j["transport"] = doc.transport;
  return j;
}

}  // namespace authctx::report
