#include "run/http_client.hpp"

#include <chrono>

#include "engine/session.hpp"
#include "gss/flags.hpp"
#include "gss/oid.hpp"
#include "run/document.hpp"
#include "run/http_target.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;

report::ErrorReport probe_report(const http::ProbeFailure& f) {
  report::ErrorReport r;
  r.stage = "http";
  r.side = report::Side::acceptor;
  r.message = f.message;
  r.cls = f.cls;
  r.hint = f.hint;
  return r;
}

// RFC 5929 §4.1 over https, unless told otherwise; what was decided goes in the document.
Json bindings(const http::ClientChannel& channel, const HttpClientOptions& options, engine::InitiatorOptions& init) {
  const auto* tls = channel.tls();
  if (init.channel_bindings) {
    return Json{{"type", "explicit"},
                {"sent", true},
                {"application_data_hex", util::hex_encode(init.channel_bindings->application_data)}};
  }
  if (tls == nullptr) return Json{{"type", nullptr}, {"sent", false}, {"reason", "plain http has no TLS channel"}};
  const auto data = tls->certificate.channel_binding_data();
  Json j{{"type", "tls-server-end-point"},
         {"sent", options.channel_bindings},
         {"hash", tls->certificate.binding_hash},
         {"application_data_hex", util::hex_encode(data)}};
  if (!tls->certificate.binding_note.empty()) j["note"] = tls->certificate.binding_note;
  if (!options.channel_bindings) {
    j["reason"] = "--no-channel-bindings";
    return j;
  }
  init.channel_bindings = gss::ChannelBindings{data};
  return j;
}
// The first leg is SPNEGO offering NTLM and no Kerberos mechanism: the initiator had no
// Kerberos credentials for the target.
bool spnego_offered_only_ntlm(const report::Document& doc) {
  if (doc.legs.empty() || !doc.legs.front().decoded) return false;
  const auto& outer = *doc.legs.front().decoded;
  const auto* init = outer["type"].as_string() == "gss.initial_context_token" ? outer.find("inner_token") : nullptr;
  if (init == nullptr || (*init)["type"].as_string() != "spnego.neg_token_init") return false;
  bool ntlm = false;
  for (const auto& m : (*init)["mech_types"].items()) {
    const auto& name = m["name"].as_string();
    if (name.rfind("krb5", 0) == 0) return false;
    ntlm = ntlm || name == "ntlmssp";
  }
  return ntlm;
}

// The server let the request in (2xx) without the final token the initiator waits for: with
// mutual authentication requested (and with SPNEGO, which always waits for the acceptor's
// NegTokenResp, RFC 4178 section 5) the server never proved its identity. Browsers and curl
// take the 200 anyway; authctx reports it as its own failure instead of a protocol error.
void explain_missing_final_token(report::Document& doc, const std::string& status,
                                 const engine::InitiatorOptions& init) {
  if (!doc.error || doc.error->remote || doc.error->cls != "protocol_error" || status.empty()) return;
  const bool mutual = (init.req_flags & gss::context_flag_from_name("mutual").value_or(0)) != 0;
  auto& e = *doc.error;
  e.cls = "mutual_auth_missing";
  e.transport = false;  // the peer answered: an authentication outcome (exit 1)
  e.message = "the server answered " + status + " without a final token: it let the request in but never proved " +
              "its identity to this client (" +
              (mutual ? std::string("mutual authentication was requested") : std::string("SPNEGO waits for it")) + ")";
  e.hint =
      "a server (or a proxy that strips WWW-Authenticate from 2xx responses) that sends no final token leaves the "
      "server unauthenticated; browsers and curl accept it silently. --mech krb5 --no-mutual expects no token";
  doc.warnings.push_back({"mutual_auth_missing",
                          "the server's " + status + " carried no WWW-Authenticate token to verify",
                          "the server's identity is unverified"});
}
}  // namespace

std::vector<http::AuthScheme> schemes_for(const gss::Oid& mech) {
  if (mech == gss::ntlm_oid()) return {http::AuthScheme::ntlm, http::AuthScheme::negotiate};
  if (mech == gss::krb5_oid()) return {http::AuthScheme::kerberos, http::AuthScheme::negotiate};
  return {http::AuthScheme::negotiate};
}

report::Document run_http_client(const HttpClientOptions& options, engine::InitiatorOptions init,
                                 const engine::SessionOptions& session, report::EventSink& sink) {
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  doc.target = init.target;
  engine::Recorder rec(doc, sink, session);
  http::ClientChannel channel(options.channel);
  try {
    const auto failure = channel.probe();
    doc.peer = channel.peer();
    if (failure) rec.error(probe_report(*failure));
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
  if (!doc.error) {
    if (!options.target_given) {
      init.target = "HTTP@" + channel.url().host;
      init.target_type = gss::TargetType::hostbased;
    }
    doc.target = init.target;
    const auto advice = advise_service(channel.url(), init.target, init.target_type == gss::TargetType::hostbased,
                                       options.target_given);
    channel.annotate("service", advice.service);
    for (const auto& n : advice.notices) channel.add_notice(n);
    channel.annotate("channel_bindings", bindings(channel, options, init));
    engine::run_client(rec, init, channel);  // open() is a no-op: the probe connected
    explain_missing_final_token(doc, channel.accepted_without_token(), init);
    if (doc.error && doc.error->cls == "service_principal_unknown") doc.error->hint = advice.unknown_principal_hint;
    if (doc.error && doc.error->cls == "http_token_rejected" && spnego_offered_only_ntlm(doc))
      doc.error->hint = "this client offered only NTLM inside SPNEGO: it has no Kerberos ticket for " + init.target +
                        " (`klist`; `kinit`), and the server takes Kerberos only; " + doc.error->hint;
  }
  if (doc.peer.empty()) doc.peer = channel.peer();
  sink.document(finish_document(rec, &channel));
  return doc;
}

LoadOutcome run_http_load(const HttpClientOptions& options, const LoadOptions& load, engine::InitiatorOptions init,
                          const engine::SessionOptions& session, report::EventSink& sink) {
  http::ClientChannel first(options.channel);
  bool usable = false;
  try {
    usable = !first.probe();
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
  }
  if (!usable) {  // one document that says why, as a single run
    const auto doc = run_http_client(options, init, session, sink);
    return LoadOutcome{false, doc.error};
  }
  if (!options.target_given) {
    init.target = "HTTP@" + first.url().host;
    init.target_type = gss::TargetType::hostbased;
  }
  const auto advice =
      advise_service(first.url(), init.target, init.target_type == gss::TargetType::hostbased, options.target_given);
  const Json bound = bindings(first, options, init);
  auto each = options.channel;  // every run goes straight to the final URL
  if (first.url().host != each.connection.url.host) each.connection.connect_addresses.clear();
  each.connection.url = first.url();
  // The host is looked up once per load run: every run connects where the probe did.
  if (each.connection.connect_addresses.empty()) {
    const auto peer = first.peer();  // "127.0.0.1:80", "[::1]:80"
    const auto colon = peer.rfind(':');
    if (colon != std::string::npos && colon > 0) {
      const bool v6 = peer.front() == '[' && peer[colon - 1] == ']';
      each.connection.known_addresses = {v6 ? peer.substr(1, colon - 2) : peer.substr(0, colon)};
    }
  }
  each.follow_redirects = false;
  const ChannelFactory connect = [&](report::Document& doc,
                                     const ChannelWishes&) -> std::unique_ptr<transport::Channel> {
    const auto started = std::chrono::steady_clock::now();
    auto channel = std::make_unique<http::ClientChannel>(each);
    const auto failure = channel->probe();
    doc.timing.connect_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    doc.peer = channel->peer();
    if (failure) throw util::transport_error(failure->cls, failure->message, failure->hint);
    channel->annotate("service", advice.service);
    for (const auto& n : advice.notices) channel->add_notice(n);
    channel->annotate("channel_bindings", bound);
    return channel;
  };
  return run_load_client(load, connect, init, session, sink);
}

}  // namespace authctx::run
