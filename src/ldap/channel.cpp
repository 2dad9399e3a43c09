#include "ldap/channel.hpp"

#include "ldap/channel_session.hpp"
#include "ldap/diagnosis.hpp"
#include "ldap/result_code.hpp"

namespace authctx::ldap {
namespace {

using transport::Frame;
using transport::FrameKind;

StreamLimits limits_of(const ChannelOptions& o) { return StreamLimits{o.max_message, {}, o.timeout}; }

// The peer's error object for a refused bind, as report::remote_report reads it.
Json refusal_body(const Exchange& ex, const ChannelOptions& o) {
  const auto& res = ex.result();
  const auto v =
      judge_bind_result(res, {o.mechanism, sasl_layer_name(o.layer), o.url.tls() || o.starttls, !o.authzid.empty()});
  return Json{{"stage", "ldap_bind"},
              {"message", v.message},
              {"class", v.cls},
              {"hint", v.hint},
              {"ldap", response_meta(ex)["ldap"]}};
}

}  // namespace

Bytes ProtectionAdapter::wrap(ByteView plain) { return inner_.wrap(conf_, plain).token; }

Bytes ProtectionAdapter::unwrap(ByteView token) {
  auto u = inner_.unwrap(token);
  ++(u.conf ? unwrapped_sealed : unwrapped_signed);
  return std::move(u.message);
}

std::size_t ProtectionAdapter::max_plaintext(std::size_t max_wrapped) {
  constexpr std::size_t k_room = 128;
  return max_wrapped > k_room ? max_wrapped - k_room : 0;
}

Session::Session(Connection connection, const ChannelOptions& options)
    : conn(std::move(connection)), stream(conn, limits_of(options)), ops(stream) {}

ClientChannel::ClientChannel(ChannelOptions options) : options_(std::move(options)) {}
ClientChannel::~ClientChannel() {
  // Without a security layer the unbind can go now; with one, the phase sent it while the
  // GSS-API context (which the engine owns, and may have released) was still there.
  if (session_ && !session_->stream.closed()) session_->ops.unbind();
}

const transport::ChannelTraits& ClientChannel::traits() const {
  // No per-message plan (the LDAP phase is the proof), and no verdict frame: the bind's
  // outcome is read in after_established.
  static const transport::ChannelTraits k_traits{transport::MessagePlan::none, false, false};
  return k_traits;
}

void ClientChannel::open() {
  const auto host = connect_host(options_.url, options_.resolve);
  session_ = std::make_unique<Session>(Connection::open(host, options_.url.port, options_.timeout), options_);
  const TlsOptions tls{options_.url.host, options_.ca_file, options_.insecure};
  if (options_.url.tls()) {
    session_->conn.start_tls(tls, Clock::now() + options_.timeout);
    session_->tls_started_by = "ldaps";
  } else if (options_.starttls) {
    const auto ex = session_->ops.start_tls(tls);
    session_->starttls = exchange_json(ex);
    session_->tls_started_by = "starttls";
  }
  if (options_.insecure && session_->conn.tls_info())
    notices_.push_back({"tls_not_verified", "the server's certificate was not verified (--insecure)",
                        "give its CA with --cacert FILE"});
  if (session_->conn.tls_info() && options_.mechanism == k_mech_gssapi && options_.layer != SaslLayer::none)
    notices_.push_back({"sasl_layer_over_tls",
                        "a SASL " + std::string(sasl_layer_name(options_.layer)) +
                            " layer was asked for inside TLS: Active Directory refuses sign or seal on a TLS "
                            "connection",
                        "use --sasl-layer none with ldaps:// or --starttls"});
}

transport::Json ClientChannel::send(const Frame& frame) {
  if (!session_) throw transport_error("not_open", "the LDAP channel was used before open()");
  auto& s = *session_;
  if (frame.kind == FrameKind::error) {
    // Our GSS-API step failed: RFC 4513 §5.2.1.2 lets a client abandon a SASL bind; the
    // connection closes with the unbind the destructor sends.
    return nullptr;
  }
  if (frame.kind != FrameKind::token) transport::unexpected_frame(frame, "a context token");
  if (s.pending) throw transport_error("protocol_error", "a BindRequest was sent before the previous one was answered");
  s.pending = s.ops.send_bind(options_.mechanism, frame.token);
  return request_meta(*s.pending, options_.mechanism);
}

transport::Frame ClientChannel::receive() {
  if (!session_ || !session_->pending)
    throw transport_error("protocol_error", "the engine waited for a BindResponse with no BindRequest outstanding");
  auto& s = *session_;
  auto ex = std::move(*s.pending);
  s.pending.reset();
  s.ops.receive_bind(ex);
  const auto& resp = std::get<BindResponse>(ex.final_message().op);
  Bytes creds = resp.server_sasl_creds.value_or(Bytes{});
  const int code = resp.result.code;
  Frame f;
  if (code == result::sasl_bind_in_progress) {
    f = Frame::context_token(creds);
  } else if (code == result::success) {
    f = Frame::acceptance(creds, nullptr);  // GSS-SPNEGO's final token comes with success
  } else {
    f = Frame::failure(refusal_body(ex, options_), creds);
  }
  f.meta = response_meta(ex);
  s.last_bind = std::move(ex);
  s.last_response_consumed = true;
  return f;
}

std::optional<transport::PhaseResult> ClientChannel::after_established(transport::Protection& protection) {
  if (!session_) return std::nullopt;
  return run_bind_phase(*session_, options_, protection);
}

transport::Json ClientChannel::describe() const {
  Json j{{"kind", "ldap"}, {"url", options_.url.text()}, {"mechanism", options_.mechanism}};
  const auto host = connect_host(options_.url, options_.resolve);
  j["resolved_by"] = host != options_.url.host ? Json("--resolve") : Json(nullptr);
  j["connected_to"] = session_ ? Json(session_->conn.peer()) : Json(nullptr);
  if (session_ && session_->conn.tls_info())
    j["tls"] = tls_json(*session_->conn.tls_info(), session_->tls_started_by);
  else
    j["tls"] = nullptr;
  if (session_ && session_->starttls) j["starttls"] = *session_->starttls;
  return j;
}

std::vector<transport::Notice> ClientChannel::take_notices() { return std::exchange(notices_, {}); }

std::string ClientChannel::peer() const { return session_ ? session_->conn.peer() : std::string(); }

}  // namespace authctx::ldap
