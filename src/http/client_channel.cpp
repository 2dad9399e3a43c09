#include "http/client_channel.hpp"

#include <algorithm>

#include "http/tls_json.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::http {
namespace {

using json::Json;
using transport::Frame;

std::string request_line(const Request& r) { return r.method + " " + r.target + " HTTP/1.1"; }

std::string status_text(const Response& r) { return std::to_string(r.status) + " " + r.reason; }

// "Negotiate <1588 bytes>": a token's size, never its bytes (an NTLM AUTHENTICATE carries
// the response to the challenge; the decoded legs show what may be shown).
std::string summarised(const std::string& value) {
  const auto sp = value.find(' ');
  if (sp == std::string::npos) return value;
  const auto rest = value.substr(sp + 1);
  if (rest.find('=') != std::string::npos && rest.find_first_of(" ,\"") != std::string::npos) return value;
  const auto decoded = decode_base64_strict(rest);
  if (!decoded.ok()) return value.substr(0, sp) + " <" + std::to_string(rest.size()) + " characters, not base64>";
  return value.substr(0, sp) + " <" + std::to_string(decoded.bytes.size()) + " bytes>";
}

Json connection_json(const ExchangeInfo& info) {
  Json j{{"number", info.connection}, {"peer", info.peer}};
  j["state"] = info.reopened ? "reopened" : info.reused ? "reused" : "new";
  if (info.reopened) j["reopen_reason"] = info.reopen_reason;
  return j;
}

std::string scheme_list(const std::vector<std::string>& offered) {
  if (offered.empty()) return "no scheme";
  std::string out;
  for (const auto& s : offered) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string hint_for_scheme(AuthScheme wanted, const std::vector<Challenge>& offered) {
  for (const auto& c : offered) {
    if (c.kind == AuthScheme::ntlm) return "the server offers NTLM: answer it with --mech ntlm";
    if (c.kind == AuthScheme::negotiate && wanted == AuthScheme::kerberos)
      return "the server offers Negotiate: use --mech spnego";
    if (c.kind == AuthScheme::kerberos) return "the server offers Kerberos: answer it with --mech krb5";
  }
  return "the location does not use GSS-API authentication: check the URL, or the server's configuration "
         "(Apache: AuthType GSSAPI; IIS: Windows Authentication with the Negotiate provider)";
}

std::string rejected_hint(AuthScheme scheme) {
  if (scheme == AuthScheme::ntlm)
    return "NTLM needs every leg on one kept-alive connection and a password the server can check; the "
           "server's log names the reason";
  return "the server could not accept the token: a keytab without the ticket's key (kvno) for the service "
         "principal, clock skew, or a location that does not allow this mechanism (mod_auth_gssapi: "
         "GssapiAllowedMech); the server's log names it";
}

// A SPNEGO NegTokenResp whose negState is reject (RFC 4178 §4.2.2: a1 { 30 { a0 { 0a 01 02
// } ... } }): the server refused the token it answers, in a token of its own.
bool spnego_reject(const util::Bytes& t) {
  std::size_t i = 0;
  const auto skip_header = [&](std::uint8_t tag) {
    if (i >= t.size() || t[i] != tag) return false;
    ++i;
    if (i >= t.size()) return false;
    if (t[i] < 0x80) {
      ++i;
    } else {
      i += 1 + (t[i] & 0x7fU);
    }
    return i < t.size();
  };
  if (!skip_header(0xa1) || !skip_header(0x30)) return false;
  static constexpr std::uint8_t k_reject[] = {0xa0, 0x03, 0x0a, 0x01, 0x02};
  return t.size() - i >= sizeof k_reject &&
         std::equal(std::begin(k_reject), std::end(k_reject), t.begin() + static_cast<std::ptrdiff_t>(i));
}

Json error_body(std::string cls, std::string message, std::string hint) {
  return Json{{"stage", "http"}, {"message", std::move(message)}, {"class", std::move(cls)}, {"hint", std::move(hint)}};
}

}  // namespace

Json auth_headers_json(const Headers& headers, std::string_view name) {
  Json out = Json::array();
  for (const auto& v : headers.all(name)) out.push_back(summarised(v));
  return out;
}

ClientChannel::ClientChannel(ClientChannelOptions options)
    : options_(std::move(options)), client_(std::make_unique<Client>(options_.connection)) {}
ClientChannel::~ClientChannel() = default;

const transport::ChannelTraits& ClientChannel::traits() const {
  static const transport::ChannelTraits k_traits{transport::MessagePlan::none, true, false};
  return k_traits;
}

const TlsSession* ClientChannel::tls() const { return client_->tls(); }

std::string ClientChannel::peer() const {
  for (auto it = exchanges_.rbegin(); it != exchanges_.rend(); ++it)
    if (it->contains("connection")) return (*it)["connection"].value("peer", "");
  return {};
}

void ClientChannel::annotate(const std::string& key, Json value) { extra_[key] = std::move(value); }

Request ClientChannel::request_with(const std::optional<std::string>& authorization) const {
  Request r;
  r.method = options_.method;
  r.target = options_.connection.url.target;
  for (const auto& h : options_.headers) r.headers.add(h.name, h.value);
  if (authorization) r.headers.set("Authorization", *authorization);
  r.body = options_.body;
  return r;
}

Response ClientChannel::exchange(const Request& request, ExchangeInfo& info, Json& meta) {
  Json record;
  record["request"] = request_line(request);
  const auto auth = request.headers.first("Authorization");
  record["authorization"] = auth ? Json(summarised(*auth)) : Json(nullptr);
  auto response = client_->exchange(request, info);
  record["connection"] = connection_json(info);
  record["status"] = response.status;
  record["reason"] = response.reason;
  record["www_authenticate"] = auth_headers_json(response.headers, "WWW-Authenticate");
  record["connection_header"] = response.headers.first("Connection").value_or("");
  if (auto p = response.headers.first("Persistent-Auth")) record["persistent_auth"] = *p;
  if (auto l = response.headers.first("Location")) record["location"] = *l;
  record["body_length"] = response.body.size();
  record["elapsed_ms"] = info.elapsed_ms;
  exchanges_.push_back(record);
  meta = Json{{"status", response.status},
              {"reason", response.reason},
              {"www_authenticate", record["www_authenticate"]},
              {"connection_header", record["connection_header"]},
              {"body_length", response.body.size()}};
  if (record.contains("persistent_auth")) meta["persistent_auth"] = record["persistent_auth"];
  return response;
}

std::optional<ProbeFailure> ClientChannel::challenged(const Response& response) {
  const auto parsed = parse_challenges(response.headers.all("WWW-Authenticate"));
  for (const auto& c : parsed.items) offered_.push_back(c.scheme);
  for (const auto wanted : options_.schemes)
    for (const auto& c : parsed.items)
      if (c.kind == wanted) {
        scheme_ = wanted;
        return std::nullopt;
      }
  std::string why = "the server's 401 offers " + scheme_list(offered_) + ", none that this --mech answers";
  if (!parsed.diagnostics.empty())
    why += " (WWW-Authenticate is malformed at offset " + std::to_string(parsed.diagnostics[0].offset) + ": " +
           parsed.diagnostics[0].message + ")";
  return ProbeFailure{"no_usable_scheme", why, hint_for_scheme(options_.schemes.front(), parsed.items)};
}

std::optional<ProbeFailure> ClientChannel::redirected(const Response& response, int hop) {
  const auto& url = options_.connection.url;
  const auto location = *response.headers.first("Location");
  const auto next = resolve_location(url, location);
  redirects_.push_back({{"status", response.status}, {"from", url.text()}, {"location", location}});
  if (!options_.follow_redirects)
    return ProbeFailure{"redirect_not_followed",
                        url.text() + " redirects (" + status_text(response) + ") to " + location,
                        "follow it with --location, or give the new URL to --url"};
  if (!next) return ProbeFailure{"bad_redirect", "the redirect's Location is not an http(s) URL: " + location, ""};
  if (hop + 1 > options_.max_redirects)
    return ProbeFailure{"too_many_redirects",
                        "more than " + std::to_string(options_.max_redirects) + " redirects, the last to " + location,
                        "a redirect loop: check the server's configuration"};
  // Another origin needs another connection, to the address --resolve gives it if any.
  if (next->scheme != url.scheme || next->host != url.host || next->port != url.port) {
    auto connection = options_.connection;
    connection.url = *next;
    connection.connect_addresses.clear();
    if (const auto r = resolve_for(*next, options_.resolve)) connection.connect_addresses = r->addresses;
    client_ = std::make_unique<Client>(connection);
    options_.connection = connection;
  } else {
    options_.connection.url = *next;
  }
  return std::nullopt;
}

std::optional<ProbeFailure> ClientChannel::probe() {
  for (int hop = 0;; ++hop) {
    ExchangeInfo info;
    Json meta;
    const auto response = exchange(request_with(std::nullopt), info, meta);
    const auto url = options_.connection.url.text();
    if (response.status == 401) return challenged(response);
    if (response.redirect()) {
      if (auto failure = redirected(response, hop)) return failure;
      continue;
    }
    if (response.status >= 200 && response.status < 300)
      return ProbeFailure{"authentication_not_requested",
                          url + " answered " + status_text(response) + " without asking for authentication",
                          "point --url at a location that requires authentication"};
    return ProbeFailure{"http_status", url + " answered " + status_text(response) + " (no 401 challenge)",
                        response.status == 404   ? "check the path"
                        : response.status >= 500 ? "the server failed: its error log says why"
                                                 : "the server refused the request before authentication"};
  }
}

Json ClientChannel::send(const Frame& frame) {
  if (frame.kind == transport::FrameKind::error) {
    // Our step failed; HTTP has no message for that: the server sees no further request.
    return Json{{"sent", false}, {"note", "HTTP carries no error from the client: no request was sent"}};
  }
  if (frame.kind != transport::FrameKind::token)
    throw util::transport_error("malformed_frame", "the HTTP client cannot send a " +
                                                       std::string(transport::frame_kind_name(frame.kind)) + " frame");
  ++legs_;
  last_sent_leg_ = legs_;
  const auto authorization = std::string(scheme_name(scheme_)) + " " + util::base64_encode(frame.token);
  ExchangeInfo info;
  Json meta;
  const auto request = request_with(authorization);
  pending_ = exchange(request, info, meta);
  pending_meta_ = std::move(meta);
  if (info.reopened && legs_ > 1)
    notices_.push_back({"connection_reopened",
                        "leg " + std::to_string(legs_) + " went on a new connection (" + info.reopen_reason +
                            "): NTLM and other connection-bound authentication fail across connections",
                        "keep the connection alive between the legs (Apache: KeepAlive On; a proxy must keep each "
                        "client connection paired with one server connection)"});
  Json sent{{"request", request_line(request)},
            {"authorization", summarised(authorization)},
            {"connection", connection_json(info)},
            {"request_bytes", info.request_bytes}};
  return sent;
}

Frame ClientChannel::receive() {
  if (!pending_) throw util::transport_error("malformed_frame", "no HTTP response is waiting to be read");
  auto response = std::move(*pending_);
  pending_.reset();
  return frame_of(response, std::move(pending_meta_));
}

// Our scheme's challenge (the one with a token when there are several); its token checked.
const Challenge* ClientChannel::our_challenge(const AuthHeaderParse& parsed) const {
  const Challenge* ours = nullptr;
  for (const auto& c : parsed.items)
    if (c.kind == scheme_ && (ours == nullptr || (!ours->token68 && c.token68))) ours = &c;
  const std::string name(scheme_name(scheme_));
  if (ours != nullptr && ours->token68 && !ours->token)
    throw util::transport_error("malformed_token",
                                "the server's WWW-Authenticate: " + name +
                                    " token is not valid base64: " + ours->token_error->message + " (offset " +
                                    std::to_string(ours->token_error->offset) + " of the header)",
                                "the server (or a proxy in between) mangled the token");
  if (ours != nullptr && ours->token && ours->token->size() > options_.max_token_size)
    throw util::transport_error("token_too_large",
                                "the server's " + name + " token is " + std::to_string(ours->token->size()) +
                                    " bytes, over --max-token-size " + std::to_string(options_.max_token_size),
                                "raise --max-token-size if the server is genuine (large PACs make big tokens)");
  if ((ours == nullptr || !ours->token68) && !parsed.diagnostics.empty())
    throw util::transport_error("malformed_www_authenticate",
                                "the server's WWW-Authenticate is malformed at offset " +
                                    std::to_string(parsed.diagnostics[0].offset) + ": " + parsed.diagnostics[0].message,
                                "the server (or a proxy in between) sent a broken header");
  return ours;
}

// A 401 or 403: the next token, or the server refusing the leg we sent (an authctx server
// says why in its JSON body; any other server in its log).
Frame ClientChannel::refusal(const Response& response, const util::Bytes* token, const Json& json_body) {
  const auto leg = std::to_string(last_sent_leg_);
  const bool peer_error = json_body.is_object() && json_body.contains("error") && json_body["error"].is_object();
  const bool reject = token != nullptr && scheme_ == AuthScheme::negotiate && spnego_reject(*token);
  if (response.status == 401 && token != nullptr && !peer_error && !reject) return Frame::context_token(*token);
  Json body = peer_error ? json_body["error"]
              : reject   ? error_body("http_token_rejected",
                                      "the server rejected leg " + leg + ": its 401 carries a SPNEGO reject",
                                      rejected_hint(scheme_))
              : response.status == 403
                  ? error_body("http_forbidden",
                               "the server refused access after leg " + leg + " (" + status_text(response) + ")",
                               "the server authenticated the client and refused it access (authorization rules "
                               "such as Require user), or refused its token; the server's log says which")
                  : error_body("http_token_rejected",
                               "the server answered leg " + leg + " with 401 and no " +
                                   std::string(scheme_name(scheme_)) + " token: it rejected that token",
                               rejected_hint(scheme_));
  // A refusal that carries a token (a KRB-ERROR, a SPNEGO reject): the token is a leg too.
  return Frame::failure(std::move(body), token != nullptr ? *token : util::Bytes{});
}

Frame ClientChannel::frame_of(const Response& response, Json meta) {
  const auto parsed = parse_challenges(response.headers.all("WWW-Authenticate"));
  const auto* ours = our_challenge(parsed);
  const util::Bytes* token = ours != nullptr && ours->token && !ours->token->empty() ? &*ours->token : nullptr;
  const auto json_body = json::parse_object(response.body);
  Frame f;
  if (response.status == 401 || response.status == 403) {
    f = refusal(response, token, json_body);
  } else if (response.status >= 200 && response.status < 300) {
    Json report = json_body.is_object() && json_body.contains("acceptor") ? json_body["acceptor"] : Json(nullptr);
    if (token == nullptr) accepted_without_token_ = status_text(response);
    f = Frame::acceptance(token != nullptr ? *token : util::Bytes{}, std::move(report));
  } else {
    const auto leg = std::to_string(last_sent_leg_);
    token = nullptr;
    f = Frame::failure(
        response.redirect()
            ? error_body("http_redirect",
                         "the server answered leg " + leg + " with a redirect (" + status_text(response) + " to " +
                             response.headers.first("Location").value_or("?") + ")",
                         "give the redirect's target to --url")
            : error_body("http_status", "the server answered leg " + leg + " with " + status_text(response),
                         response.status >= 500 ? "the server failed: its error log says why" : "see the server's log"),
        {});
  }
  if (token != nullptr) ++legs_;
  f.meta = std::move(meta);
  return f;
}

Json ClientChannel::describe() const {
  Json j;
  j["kind"] = "http";
  j["url"] = options_.connection.url.text();
  j["method"] = options_.method;
  j["connect_address"] = peer();
  if (!options_.connection.connect_addresses.empty()) j["resolve"] = options_.connection.connect_addresses;
  j["tls"] = client_->tls() != nullptr ? tls_json(*client_->tls()) : Json(nullptr);
  j["offered"] = offered_;
  j["scheme"] = std::string(scheme_name(scheme_));
  j["exchanges"] = exchanges_;
  j["redirects"] = redirects_;
  for (const auto& [k, v] : extra_.items()) j[k] = v;
  return j;
}

std::vector<transport::Notice> ClientChannel::take_notices() { return std::exchange(notices_, {}); }

}  // namespace authctx::http
