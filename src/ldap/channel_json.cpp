// The JSON a ClientChannel records: leg metadata for each BindRequest and BindResponse, the
// LDAP exchanges after the bind, the root DSE entry, TLS facts and the security-layer
// messages (RFC 4752 §3.1), in the document's snake_case.
#include "ldap/channel_session.hpp"
#include "ldap/result_code.hpp"
#include "util/base64.hpp"

namespace authctx::ldap {

std::string hex(ByteView b) { return util::hex_encode(b); }

Json result_json(const LdapResult& r) {
  Json j{{"result_code", r.code},
         {"result_name", result_code_name(r.code)},
         {"diagnostic_message", r.diagnostic_message},
         {"matched_dn", r.matched_dn}};
  if (!r.referrals.empty()) j["referrals"] = r.referrals;
  return j;
}

Json request_meta(const Exchange& ex, std::string_view mechanism) {
  Json j{
      {"message_id", ex.message_id}, {"operation", op_kind_name(ex.request_kind)}, {"length", ex.request.bytes.size()}};
  if (!mechanism.empty()) j["mechanism"] = mechanism;
  if (!ex.request.sasl_buffers.empty()) j["sasl_buffers"] = ex.request.sasl_buffers;
  return Json{{"ldap", j}};
}

Json response_meta(const Exchange& ex) {
  const auto& r = ex.responses.back();
  const Message& m = *r.decoded.message;
  Json j{{"message_id", m.message_id}, {"operation", op_kind_name(m.kind())}, {"length", r.bytes.size()}};
  if (const auto* res = m.result()) j.update(result_json(*res));
  if (const auto* bind = std::get_if<BindResponse>(&m.op))
    j["server_sasl_creds_length"] = bind->server_sasl_creds ? Json(bind->server_sasl_creds->size()) : Json(nullptr);
  return Json{{"ldap", j}};
}

Json exchange_json(const Exchange& ex) {
  Json responses = Json::array();
  for (const auto& r : ex.responses) {
    const Message& m = *r.decoded.message;
    Json one{{"operation", op_kind_name(m.kind())}, {"length", r.bytes.size()}};
    if (const auto* res = m.result()) one.update(result_json(*res));
    if (!r.sasl_buffers.empty()) one["sasl_buffers"] = r.sasl_buffers;
    responses.push_back(std::move(one));
  }
  Json j{
      {"message_id", ex.message_id}, {"operation", op_kind_name(ex.request_kind)}, {"length", ex.request.bytes.size()}};
  if (!ex.request.sasl_buffers.empty()) j["sasl_buffers"] = ex.request.sasl_buffers;
  j["responses"] = std::move(responses);
  return j;
}

Json entry_json(const SearchResultEntry& e) {
  Json attrs = Json::object();
  for (const auto& a : e.attributes) attrs[a.type] = a.values;
  return attrs;
}

Json tls_json(const TlsInfo& tls, std::string_view started_by) {
  return Json{{"started_by", started_by},
              {"version", tls.version},
              {"cipher", tls.cipher},
              {"peer_subject", tls.peer_subject},
              {"peer_issuer", tls.peer_issuer},
              {"verified", tls.verified},
              {"verify_result", tls.verify_result},
              {"server_end_point_hash", tls.server_end_point_hash}};
}

Json offer_json(const LayerOffer& offer, const Bytes& wrapped, const Bytes& unwrapped) {
  Json diags = Json::array();
  for (const auto& d : offer.diagnostics) diags.push_back(Json{{"offset", d.offset}, {"message", d.message}});
  return Json{{"wrapped_length", wrapped.size()},
              {"wrapped_base64", util::base64_encode(wrapped)},
              {"unwrapped_hex", hex(unwrapped)},
              {"layers", offer.layers()},
              {"bit_mask", offer.mask},
              {"max_buffer", offer.max_buffer},
              {"diagnostics", diags}};
}

Json choice_json(const LayerReview& review, const std::string& authzid, const Bytes& unwrapped, const Bytes& wrapped) {
  return Json{{"layer", sasl_layer_name(review.layer)},
              {"bit_mask", static_cast<int>(review.layer)},
              {"max_buffer", review.max_buffer},
              {"authzid", authzid.empty() ? Json(nullptr) : Json(authzid)},
              {"unwrapped_hex", hex(unwrapped)},
              {"wrapped_length", wrapped.size()},
              {"wrapped_base64", util::base64_encode(wrapped)}};
}

}  // namespace authctx::ldap
