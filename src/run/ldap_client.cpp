#include "run/ldap_client.hpp"

#include "decode/decode.hpp"
#include "engine/session.hpp"
#include "ldap/diagnosis.hpp"
#include "report/decoded_json.hpp"
#include "run/document.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

// The security-layer messages travel as wrap tokens (RFC 4752 §3.1): decoded like the legs.
void decode_wrapped(json::Json& message, bool show_secrets) {
  if (!message.is_object() || !message.contains("wrapped_base64")) return;
  const auto bytes = util::base64_decode(message["wrapped_base64"].get<std::string>());
  if (!bytes || bytes->empty()) return;
  message["wrapped_decoded"] = report::to_json(decode::decode_token(*bytes, decode::Options{show_secrets}));
}

}  // namespace

report::Document run_ldap_client(const ldap::ChannelOptions& options, const engine::InitiatorOptions& init,
                                 const engine::SessionOptions& session, report::EventSink& sink) {
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  engine::Recorder rec(doc, sink, session);
  ldap::ClientChannel channel(options);
  const auto advice = ldap::default_target(options.url.host, options.url.ip_literal, options.url.port);
  const bool target_is_address = !advice.warning_class.empty() && init.target == advice.target;
  if (target_is_address) rec.notices({{advice.warning_class, advice.warning, advice.hint}});
  engine::run_client(rec, init, channel);  // opens the channel; its failures become the error
  doc.peer = channel.peer();
  if (doc.application && doc.application->contains("security_layer")) {
    auto& layer = (*doc.application)["security_layer"];
    if (layer.contains("offer")) decode_wrapped(layer["offer"], session.show_secrets);
    if (layer.contains("choice")) decode_wrapped(layer["choice"], session.show_secrets);
  }
  // "Server not found in Kerberos database" for ldap/ADDRESS: the fix is the name.
  if (target_is_address && doc.error && doc.error->cls == "service_principal_unknown") doc.error->hint = advice.hint;
  sink.document(finish_document(rec, &channel));
  return doc;
}

}  // namespace authctx::run
