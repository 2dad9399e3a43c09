// The acceptor's look inside the ticket it received. See ticket_view.hpp.
#include "report/ticket_view.hpp"

#include "inspect/acceptor_view.hpp"
#include "inspect/keys.hpp"
#include "krb5/crypto.hpp"
#include "report/decoded_json.hpp"

namespace authctx::report {
namespace {

bool has_ap_req(const decode::Value& v, int depth = 0) {
  if (depth > 16) return false;
  if (v.is_object()) {
    if (v["type"].as_string() == "krb5.ap_req") return true;
    for (const auto& m : v.members())
      if (has_ap_req(m.value, depth + 1)) return true;
  }
  return false;
}

// The first token the initiator sent that carries an AP-REQ.
const Leg* ap_req_leg(const Document& doc) {
  for (const auto& leg : doc.legs) {
    if (leg.direction == Direction::initiator_to_acceptor && leg.decoded && has_ap_req(*leg.decoded)) return &leg;
  }
  return nullptr;
}

std::string keytab_path(const krb5::Context& ctx, const std::string& given) {
  if (given.empty()) return krb5::default_keytab_path(ctx);
  for (const char* prefix : {"FILE:", "WRFILE:"}) {
    if (given.rfind(prefix, 0) == 0) return given.substr(std::char_traits<char>::length(prefix));
  }
  return given;
}
}  // namespace

std::optional<Json> acceptor_ticket_view(const Document& doc) {
  if (!doc.acceptor_keys) return std::nullopt;
  const Leg* leg = ap_req_leg(doc);
  if (leg == nullptr) return std::nullopt;
  try {
    const krb5::Context ctx;
    if (ctx.init_error() != 0) return std::nullopt;
    const std::string path = keytab_path(ctx, doc.acceptor_keys->keytab);
    if (path.empty()) return std::nullopt;
    inspect::KeySet keys(ctx);
    keys.add_keytab(path);
    const auto view = inspect::describe_ap_req(ctx, leg->token, keys, doc.acceptor_keys->bindings, false);
    if (view.is_null()) return std::nullopt;
    Json j = to_json(view);
    j["keytab"] = path;
    return j;
  } catch (const std::exception&) {
    return std::nullopt;  // an unreadable keytab is reported where the acceptor opens it
  }
}

void refine_acceptor_error(ErrorReport& report, const Document& doc) {
  if (report.remote || report.side != Side::acceptor || !report.gss) return;
  auto view = acceptor_ticket_view(doc);
  if (!view) return;
  const auto& decryption = (*view)["decryption"];
  if ((report.cls == "keytab_kvno_mismatch" || report.cls == "keytab_no_matching_key") && decryption.is_object() &&
      !decryption.value("ok", true)) {
    // "the ticket is for HTTP/web@R, kvno 9, aes256-cts-hmac-sha1-96; the keytab holds ..."
    report.hint = decryption.value("message", std::string()) + "; " + report.hint;
  }
  if (report.cls == "channel_binding_mismatch" && view->contains("authenticator") &&
      (*view)["authenticator"].contains("bindings")) {
    const auto& b = (*view)["authenticator"]["bindings"];
    const std::string sent = b["sent"].is_string() ? "hash " + b["sent"].get<std::string>() : "no bindings";
    const std::string expected =
        b["expected"].is_string() ? "hash " + b["expected"].get<std::string>() : "none (no --channel-bindings)";
    report.hint =
        "the client's authenticator carries " + sent + ", this acceptor expected " + expected + "; " + report.hint;
  }
  report.ticket = std::move(view);
}

}  // namespace authctx::report
