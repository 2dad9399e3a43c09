#include "http/server_channel.hpp"

#include "http/tls_json.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::http {
namespace {

using json::Json;
using transport::Frame;
using transport::FrameKind;
using Clock = std::chrono::steady_clock;

Response json_response(int status, const Json& body) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = json::dump(body, 2) + "\n";
  return r;
}

bool has_granted(const Json& view, std::string_view flag) {
  if (!view.is_object() || !view.contains("flags") || !view["flags"].contains("granted")) return false;
  for (const auto& f : view["flags"]["granted"])
    if (f.is_string() && f.get<std::string>() == flag) return true;
  return false;
}

// Which status answers the request a failed session leaves: the client's bytes were bad
// (400), the acceptor failed (401, so the client may try again), or we did (500).
int status_for(const Json& error) {
  const std::string cls = error.is_object() ? error.value("class", "") : "";
  if (cls == "malformed_token" || cls == "token_too_large" || cls == "unsupported_scheme") return 400;
  if (cls == "internal_error") return 500;
  return 401;
}
}  // namespace

void add_challenges(Headers& headers, const std::vector<AuthScheme>& offered) {
  for (const auto s : offered) headers.add("WWW-Authenticate", std::string(scheme_name(s)));
}

ServerChannel::ServerChannel(ServerChannelOptions options) : options_(std::move(options)) {}

const transport::ChannelTraits& ServerChannel::traits() const {
  static const transport::ChannelTraits k_traits{transport::MessagePlan::none, true, false};
  return k_traits;
}

void ServerChannel::deliver(const Request& request, const RequestInfo& info) {
  const std::lock_guard lock(mutex_);
  request_.emplace(request, info);
  response_.reset();
  changed_.notify_all();
}

std::optional<Response> ServerChannel::take_response(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, Clock::now() + timeout, [this] { return response_.has_value() || returned_; });
  if (!response_) return std::nullopt;
  auto r = std::move(*response_);
  response_.reset();
  return r;
}

void ServerChannel::connection_closed(const CloseInfo& close) {
  const std::lock_guard lock(mutex_);
  closed_ = close.message + " [" + close.cls + "]";
  changed_.notify_all();
}

bool ServerChannel::finished() const {
  const std::lock_guard lock(mutex_);
  return finished_;
}

bool ServerChannel::returned() const {
  const std::lock_guard lock(mutex_);
  return returned_;
}

void ServerChannel::end_session(const Json& error) {
  const std::lock_guard lock(mutex_);
  finished_ = true;
  if (request_ && !awaiting_response_) {
    // A request that came after the engine's last receive (a keep-alive follow-up): it
    // belongs to the next session, not to this one's error.
    returned_ = true;
    changed_.notify_all();
    return;
  }
  if (!awaiting_response_) return;
  auto r = json_response(status_for(error), Json{{"schema", "authctx/1"}, {"established", false}, {"error", error}});
  add_challenges(r.headers, options_.offered);
  respond(std::move(r));
}

void ServerChannel::respond(Response response) {
  awaiting_response_ = false;
  response_ = std::move(response);
  changed_.notify_all();
}

Json ServerChannel::send(const Frame& frame) {
  const std::lock_guard lock(mutex_);
  const std::string scheme(scheme_name(scheme_));
  Json meta;
  Response r;
  const auto token_header = [&](const util::Bytes& token) {
    r.headers.add("WWW-Authenticate", scheme + " " + util::base64_encode(token));
    meta["www_authenticate"] = scheme + " <" + std::to_string(token.size()) + " bytes>";
  };
  switch (frame.kind) {
    case FrameKind::token:
      r.status = 401;
      token_header(frame.token);
      break;
    case FrameKind::accepted: {
      Json body{{"schema", "authctx/1"}, {"established", true}, {"scheme", scheme}, {"acceptor", frame.body}};
      auto bindings = options_.channel_bindings;
      if (bindings.is_object() && frame.body.is_object()) bindings["bound"] = has_granted(frame.body, "channel_bound");
      body["channel_bindings"] = bindings;
      r = json_response(200, body);
      if (!frame.token.empty()) token_header(frame.token);
      break;
    }
    case FrameKind::error:
      r = json_response(401, Json{{"schema", "authctx/1"}, {"established", false}, {"error", frame.body}});
      if (!frame.token.empty()) {
        token_header(frame.token);
      } else {
        add_challenges(r.headers, options_.offered);
      }
      break;
    default:
      throw util::transport_error(
          "malformed_frame",
          "the HTTP server cannot send a " + std::string(transport::frame_kind_name(frame.kind)) + " frame");
  }
  meta["status"] = r.status;
  if (!awaiting_response_) {
    meta["sent"] = false;  // the connection went away first
    return meta;
  }
  respond(std::move(r));
  return meta;
}

Frame ServerChannel::receive() {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, Clock::now() + options_.timeout,
                           [this] { return request_.has_value() || closed_.has_value(); }))
    throw util::transport_error("timeout", "no next request from the client within " + seconds_text(options_.timeout),
                                "the client gave up between legs; its own output says why");
  if (!request_)
    throw util::transport_error("closed_early", "the connection ended before the next leg: " + *closed_,
                                "the client gave up or crashed; curl -v or its own output says why");
  auto [request, info] = std::move(*request_);
  request_.reset();
  awaiting_response_ = true;
  return token_frame(request, info);
}

Frame ServerChannel::token_frame(const Request& request, const RequestInfo& info) {
  const auto authorization = request.headers.first("Authorization").value_or("");
  Json record{{"index", info.index},
              {"request", request.method + " " + request.target + " HTTP/" + std::to_string(info.version / 10) + "." +
                              std::to_string(info.version % 10)},
              {"host", request.headers.first("Host").value_or("")},
              {"user_agent", request.headers.first("User-Agent").value_or("")}};
  const auto parsed = parse_credentials(authorization);
  if (!parsed.ok() || parsed.items.empty()) {
    record["authorization"] = "malformed";
    requests_.push_back(record);
    const auto& d = parsed.diagnostics.front();
    throw util::transport_error(
        "malformed_token",
        "the client's Authorization header is malformed at offset " + std::to_string(d.offset) + ": " + d.message,
        "the client (or a proxy in between) sent a broken header");
  }
  const auto& c = parsed.items.front();
  if (c.kind != AuthScheme::negotiate && c.kind != AuthScheme::ntlm && c.kind != AuthScheme::kerberos) {
    record["authorization"] = c.scheme + " (not a GSS-API scheme)";
    requests_.push_back(record);
    throw util::transport_error("unsupported_scheme", "the client answered with " + c.scheme + " credentials",
                                "this server takes Negotiate (and NTLM with --accept-mechs ntlm)");
  }
  if (!c.token) {
    record["authorization"] = c.scheme + (c.token68 ? " <not base64>" : "");
    requests_.push_back(record);
    throw util::transport_error(
        "malformed_token",
        c.token_error ? "the client's " + c.scheme + " token is not valid base64: " + c.token_error->message
                      : "the client's " + c.scheme + " credentials carry no token",
        "the client (or a proxy in between) mangled the token");
  }
  if (c.token->size() > options_.max_token_size) {
    requests_.push_back(record);
    throw util::transport_error("token_too_large",
                                "the client's token is " + std::to_string(c.token->size()) +
                                    " bytes, over --max-token-size " + std::to_string(options_.max_token_size),
                                "raise --max-token-size if the client is genuine (large PACs make big tickets)");
  }
  scheme_ = c.kind;
  record["authorization"] = c.scheme + " <" + std::to_string(c.token->size()) + " bytes>";
  requests_.push_back(record);
  static constexpr std::string_view k_ntlmssp{"NTLMSSP\0", 8};
  if (tokens_received_++ == 0 && c.kind == AuthScheme::negotiate && c.token->size() >= 8 &&
      std::equal(k_ntlmssp.begin(), k_ntlmssp.end(), c.token->begin()))
    notices_.push_back(
        {"ntlm_fallback",
         "the client sent a raw NTLM message under the Negotiate scheme (no SPNEGO, no Kerberos): Windows (SSPI) "
         "does this when it gets no Kerberos ticket for HTTP/" +
             record["host"].get<std::string>() +
             ": the URL used an address or a name without that service principal, the client is not logged on to "
             "the domain, or no KDC answered",
         "on the client: `klist get HTTP/HOST` (Windows) or `kvno HTTP/HOST`; register the SPN of the name in "
         "the URL"});
  Frame f = Frame::context_token(*c.token);
  f.meta = record;
  return f;
}

Json ServerChannel::describe() const {
  const std::lock_guard lock(mutex_);
  Json j;
  j["kind"] = "http";
  j["role"] = "server";
  j["peer"] = options_.connection.peer;
  j["local"] = options_.connection.local;
  j["connection"] = options_.connection.id;
  j["tls"] = options_.connection.tls_session ? tls_json(*options_.connection.tls_session) : Json(nullptr);
  if (j["tls"].is_object()) j["tls"].erase("verified");  // a server checks no client certificate
  Json offered = Json::array();
  for (const auto s : options_.offered) offered.push_back(std::string(scheme_name(s)));
  j["offered"] = offered;
  j["scheme"] = std::string(scheme_name(scheme_));
  j["requests"] = requests_;
  j["channel_bindings"] = options_.channel_bindings;
  return j;
}

std::vector<transport::Notice> ServerChannel::take_notices() {
  const std::lock_guard lock(mutex_);
  return std::exchange(notices_, {});
}

}  // namespace authctx::http
