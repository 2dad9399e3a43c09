// The authctx framing (framing.hpp). Sequence on one connection:
//   C->S HELLO {"protocol":"authctx/1","messages":N}      S->C HELLO {"protocol":"authctx/1","report":bool}
//   C->S TOKEN ... S->C TOKEN ...                          until the acceptor completes or fails
//   S->C ACCEPTED {"context":CONTEXT|null}                 or S->C ERROR {"error":ERROR,"token_base64":...}
//   per round r (N rounds): C->S WRAP(conf=1) S->C WRAP(conf=1) C->S WRAP(conf=0) S->C WRAP(conf=0)
//                           C->S MIC S->C MIC
//   C->S BYE    S->C RESULTS {"messages":[the acceptor's checks]}
// Either side may send ERROR instead of its next frame and then close.
#include "transport/channel.hpp"

#include "util/errors.hpp"
#include "report/sink.hpp"
#include "util/base64.hpp"

namespace authctx::core {
namespace {

constexpr const char* k_protocol = "authctx/1";

std::string text_of(const gss::Bytes& b) { return {b.begin(), b.end()}; }

Json parse_json(const Frame& f, const char* what) {
  auto j = Json::parse(f.payload.begin(), f.payload.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw transport_error("malformed_frame", std::string("the peer's ") + what + " frame is not a JSON object");
  return j;
}

[[noreturn]] void unexpected(const Frame& f, const char* expected) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", f.type);
  std::string hint = "both sides must use the same --framing";
  if (f.type == (sample::noop | sample::context_next) || f.type == sample::context)
    hint = "the peer speaks MIT gss-sample: use --framing gss-sample";
  throw transport_error("malformed_frame", std::string("expected ") + expected + " but the peer sent frame type " + buf,
                        hint);
}

Incoming error_incoming(const Frame& f) {
  Incoming in;
  in.kind = Incoming::Kind::error;
  in.body = parse_json(f, "error");
  if (in.body.contains("token_base64") && in.body["token_base64"].is_string()) {
    if (auto t = util::base64_decode(in.body["token_base64"].get<std::string>())) in.token = std::move(*t);
  }
  return in;
}

Json error_body(const Json& error, const gss::Bytes& token) {
  Json body{{"error", error}};
  body["token_base64"] = token.empty() ? Json(nullptr) : Json(util::base64_encode(token));
  return body;
}

gss::Bytes mic_payload(const gss::Bytes& message, const gss::Bytes& mic) {
  gss::Bytes out;
  const auto n = static_cast<std::uint32_t>(message.size());
  out.push_back(static_cast<std::uint8_t>(n >> 24));
  out.push_back(static_cast<std::uint8_t>(n >> 16));
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.push_back(static_cast<std::uint8_t>(n));
  out.insert(out.end(), message.begin(), message.end());
  out.insert(out.end(), mic.begin(), mic.end());
  return out;
}

std::pair<gss::Bytes, gss::Bytes> split_mic(const Frame& f) {
  if (f.payload.size() < 4) throw transport_error("malformed_frame", "MIC frame shorter than its 4-byte header");
  const std::uint32_t n = (std::uint32_t{f.payload[0]} << 24) | (std::uint32_t{f.payload[1]} << 16) |
                          (std::uint32_t{f.payload[2]} << 8) | f.payload[3];
  if (n > f.payload.size() - 4) throw transport_error("malformed_frame", "MIC frame's message length exceeds the frame");
  return {gss::Bytes(f.payload.begin() + 4, f.payload.begin() + 4 + n), gss::Bytes(f.payload.begin() + 4 + n, f.payload.end())};
}

std::string gss_text(const gss::GssError& e) {
  return e.stage() + ": " + (e.minor_text().empty() ? (e.major_text().empty() ? "" : e.major_text().front()) : e.minor_text());
}

// One side of a wrap round: unwrap what came, check it, and answer with our own wrap.
MessageCheck check_unwrap(const Party& me, const gss::Bytes& token, const gss::Bytes& expected, bool conf_requested,
                          Direction d) {
  MessageCheck m;
  m.kind = "wrap";
  m.direction = d;
  m.conf_requested = conf_requested;
  m.length = token.size();
  try {
    const auto u = gss::unwrap(me.context(), token);
    m.conf = u.conf;
    m.ok = u.message == expected;
    if (u.message != expected) m.error = "unwrapped message differs from what was wrapped";
  } catch (const gss::GssError& e) {
    m.error = gss_text(e);
  }
  return m;
}

MessageCheck check_mic(const Party& me, const gss::Bytes& message, const gss::Bytes& mic, const gss::Bytes& expected,
                       Direction d) {
  MessageCheck m;
  m.kind = "mic";
  m.direction = d;
  m.length = mic.size();
  if (message != expected) {
    m.error = "the MIC frame carries another message than expected";
    return m;
  }
  try {
    gss::verify_mic(me.context(), message, mic);
    m.ok = true;
  } catch (const gss::GssError& e) {
    m.error = gss_text(e);
  }
  return m;
}

class AuthctxClient final : public ClientChannel {
 public:
  explicit AuthctxClient(FrameStream& s) : s_(s) {}

  void start(int messages) override {
    s_.write(frame::hello, dump_json(Json{{"protocol", k_protocol}, {"messages", messages}}));
    const auto f = s_.read();
    if (f.type == frame::error) throw transport_error("peer_refused", "the server refused the session: " + text_of(f.payload));
    if (f.type != frame::hello) unexpected(f, "HELLO");
    const auto hello = parse_json(f, "hello");
    if (hello.value("protocol", "") != k_protocol)
      throw transport_error("malformed_frame", "the server speaks protocol '" + hello.value("protocol", "?") +
                                                   "', not authctx/1");
  }
  void send_token(const gss::Bytes& token) override { s_.write(frame::token, token); }
  void send_error(const Json& error, const gss::Bytes& token) override {
    s_.write(frame::error, dump_json(error_body(error, token)));
  }
  Incoming receive() override {
    const auto f = s_.read();
    if (f.type == frame::token) return Incoming{Incoming::Kind::token, f.payload, {}};
    if (f.type == frame::error) return error_incoming(f);
    if (f.type == frame::accepted) return Incoming{Incoming::Kind::accepted, {}, parse_json(f, "accepted")};
    unexpected(f, "TOKEN, ACCEPTED or ERROR");
  }
  Incoming await_acceptance() override {
    auto in = receive();
    if (in.kind == Incoming::Kind::token)
      throw transport_error("protocol_error", "the server sent another context token after the initiator completed");
    return in;
  }
  MessageOutcome exchange_messages(const Party& initiator, int rounds) override {
    MessageOutcome out;
    std::vector<MessageCheck> mine;
    try {
      for (int round = 1; round <= rounds; ++round) {
        for (const bool conf : {true, false}) {
          const auto msg = message_payload(round, conf ? "wrap-conf" : "wrap");
          const auto w = gss::wrap(initiator.context(), conf, msg);
          gss::Bytes payload{static_cast<std::uint8_t>(conf ? 1 : 0)};
          payload.insert(payload.end(), w.token.begin(), w.token.end());
          s_.write(frame::wrap, payload);
          const auto f = s_.read();
          if (f.type == frame::error) {
            out.peer_error = error_incoming(f).body["error"];
            break;
          }
          if (f.type != frame::wrap || f.payload.empty()) unexpected(f, "WRAP");
          mine.push_back(check_unwrap(initiator, gss::Bytes(f.payload.begin() + 1, f.payload.end()), msg, conf,
                                      Direction::acceptor_to_initiator));
        }
        if (out.peer_error) break;
        const auto msg = message_payload(round, "mic");
        s_.write(frame::mic, mic_payload(msg, gss::get_mic(initiator.context(), msg)));
        const auto f = s_.read();
        if (f.type == frame::error) {
          out.peer_error = error_incoming(f).body["error"];
          break;
        }
        if (f.type != frame::mic) unexpected(f, "MIC");
        const auto [m, mic] = split_mic(f);
        mine.push_back(check_mic(initiator, m, mic, msg, Direction::acceptor_to_initiator));
      }
    } catch (const gss::GssError& e) {
      MessageCheck failed;
      failed.kind = e.stage() == "get_mic" ? "mic" : "wrap";
      failed.error = gss_text(e);
      mine.push_back(failed);
    }
    if (!out.peer_error) {
      s_.write(frame::bye, gss::Bytes{});
      said_bye_ = true;
      const auto f = s_.read();
      if (f.type != frame::results) unexpected(f, "RESULTS");
      const auto results = parse_json(f, "results");
      std::vector<MessageCheck> theirs;
      if (results.contains("messages") && results["messages"].is_array())
        for (const auto& j : results["messages"]) theirs.push_back(message_from_json(j));
      // Interleave as `local` does: per round, the acceptor's three checks of our
      // messages (i->a), then our three of its answers (a->i).
      std::size_t t = 0, m = 0;
      for (int round = 1; round <= rounds; ++round) {
        for (int k = 0; k < 3 && t < theirs.size(); ++k) out.checks.push_back(theirs[t++]);
        for (int k = 0; k < 3 && m < mine.size(); ++k) out.checks.push_back(mine[m++]);
      }
      while (t < theirs.size()) out.checks.push_back(theirs[t++]);
      while (m < mine.size()) out.checks.push_back(mine[m++]);
    } else {
      out.checks = std::move(mine);
    }
    return out;
  }
  // With --messages 0 no round ran: still say BYE, so the server ends the session now
  // (a server with --once would otherwise see the connection close early).
  void finish() override {
    if (said_bye_) return;
    said_bye_ = true;
    s_.write(frame::bye, gss::Bytes{});
    const auto f = s_.read();
    if (f.type != frame::results) unexpected(f, "RESULTS");
  }

 private:
  FrameStream& s_;
  bool said_bye_ = false;
};

class AuthctxServer final : public ServerChannel {
 public:
  AuthctxServer(FrameStream& s) : s_(s) {}

  void start() override {
    const auto f = s_.read();
    if (f.type != frame::hello) unexpected(f, "HELLO");
    const auto hello = parse_json(f, "hello");
    if (hello.value("protocol", "") != k_protocol)
      throw transport_error("malformed_frame", "the client speaks protocol '" + hello.value("protocol", "?") + "'");
    s_.write(frame::hello, dump_json(Json{{"protocol", k_protocol}, {"server", "authctx"}}));
  }
  Incoming receive() override {
    const auto f = s_.read();
    if (f.type == frame::token) return Incoming{Incoming::Kind::token, f.payload, {}};
    if (f.type == frame::error) return error_incoming(f);
    unexpected(f, "TOKEN or ERROR");
  }
  void send_token(const gss::Bytes& token) override { s_.write(frame::token, token); }
  void send_failure(const Json& error, const gss::Bytes& token) override {
    s_.write(frame::error, dump_json(error_body(error, token)));
  }
  void send_accepted(const std::optional<Json>& report) override {
    s_.write(frame::accepted, dump_json(Json{{"established", true}, {"context", report ? *report : Json(nullptr)}}));
  }
  MessageOutcome serve_messages(const Party& acceptor) override {
    MessageOutcome out;
    int round = 1;
    int in_round = 0;
    // Bounded: at most 1000 rounds (the client's --messages limit) of 3 frames each.
    for (int frames = 0; frames < 3 * 1000 + 1; ++frames) {
      const auto f = s_.read();
      if (f.type == frame::bye) {
        Json list = Json::array();
        for (const auto& c : out.checks) list.push_back(message_json(c));
        s_.write(frame::results, dump_json(Json{{"messages", list}}));
        return out;
      }
      if (f.type == frame::error) {
        out.peer_error = error_incoming(f).body["error"];
        return out;
      }
      if (f.type == frame::wrap) {
        if (f.payload.empty()) throw transport_error("malformed_frame", "empty WRAP frame");
        const bool conf = f.payload[0] != 0;
        const auto expected = message_payload(round, conf ? "wrap-conf" : "wrap");
        const gss::Bytes token(f.payload.begin() + 1, f.payload.end());
        auto check = check_unwrap(acceptor, token, expected, conf, Direction::initiator_to_acceptor);
        out.checks.push_back(check);
        // Answer with our own wrap of the same message, so the client checks this direction.
        gss::Bytes reply{static_cast<std::uint8_t>(conf ? 1 : 0)};
        try {
          const auto w = gss::wrap(acceptor.context(), conf, expected);
          reply.insert(reply.end(), w.token.begin(), w.token.end());
        } catch (const gss::GssError& e) {
          reply.resize(1);
        }
        s_.write(frame::wrap, reply);
        ++in_round;
      } else if (f.type == frame::mic) {
        const auto [msg, mic] = split_mic(f);
        const auto expected = message_payload(round, "mic");
        out.checks.push_back(check_mic(acceptor, msg, mic, expected, Direction::initiator_to_acceptor));
        gss::Bytes own_mic;
        try {
          own_mic = gss::get_mic(acceptor.context(), msg);
        } catch (const gss::GssError&) {
        }
        s_.write(frame::mic, mic_payload(msg, own_mic));
        ++in_round;
      } else {
        unexpected(f, "WRAP, MIC, BYE or ERROR");
      }
      if (in_round == 3) {
        in_round = 0;
        ++round;
      }
    }
    throw transport_error("protocol_error", "the client sent more per-message frames than any --messages allows");
  }

 private:
  FrameStream& s_;
};
}  // namespace

std::unique_ptr<ClientChannel> make_authctx_client_channel(FrameStream& s) { return std::make_unique<AuthctxClient>(s); }
std::unique_ptr<ServerChannel> make_authctx_server_channel(FrameStream& s) { return std::make_unique<AuthctxServer>(s); }

}  // namespace authctx::core
