// MIT's gss-sample protocol (src/appl/gss-sample; FACTS.md), both sides:
//   C->S NOOP|CONTEXT_NEXT (empty)
//   C->S CONTEXT token, S->C CONTEXT token ... while the initiator continues; a failing
//        acceptor sends its error token (if any) and closes
//   per message: C->S DATA|WRAPPED|ENCRYPTED|SEND_MIC (0xE4) wrap(plaintext)
//                S->C MIC get_mic(plaintext)
//   C->S NOOP (empty), close
#include "transport/channel.hpp"

#include "util/errors.hpp"

namespace authctx::core {
namespace {

[[noreturn]] void unexpected(const Frame& f, const char* expected) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", f.type);
  std::string hint = "both sides must use the same --framing";
  if (f.type >= frame::hello && f.type <= frame::results) hint = "the peer speaks the authctx framing: use --framing authctx";
  throw transport_error("malformed_frame", std::string("expected ") + expected + " but the peer sent flags " + buf, hint);
}

std::string gss_text(const gss::GssError& e) {
  return e.stage() + ": " + (e.minor_text().empty() ? (e.major_text().empty() ? "" : e.major_text().front()) : e.minor_text());
}

class SampleClient final : public ClientChannel {
 public:
  explicit SampleClient(FrameStream& s) : s_(s) {}
  void start(int) override { s_.write(sample::noop | sample::context_next, gss::Bytes{}); }
  void send_token(const gss::Bytes& token) override { s_.write(sample::context, token); }
  void send_error(const Json&, const gss::Bytes& token) override {
    // gss-sample has no error message: send the token if there is one, then close.
    if (!token.empty()) s_.write(sample::context, token);
  }
  Incoming receive() override {
    const auto f = s_.read();
    if ((f.type & sample::context) == 0) unexpected(f, "a CONTEXT token");
    return Incoming{Incoming::Kind::token, f.payload, {}};
  }
  Incoming await_acceptance() override { return Incoming{Incoming::Kind::accepted, {}, Json{{"context", nullptr}}}; }
  MessageOutcome exchange_messages(const Party& initiator, int rounds) override {
    MessageOutcome out;
    for (int round = 1; round <= rounds; ++round) {
      const auto msg = message_payload(round, "wrap-conf");
      MessageCheck sent;
      sent.kind = "wrap";
      sent.direction = Direction::initiator_to_acceptor;
      sent.conf_requested = true;
      MessageCheck mic;
      mic.kind = "mic";
      mic.direction = Direction::acceptor_to_initiator;
      try {
        const auto w = gss::wrap(initiator.context(), true, msg);
        sent.length = w.token.size();
        sent.conf = w.conf_applied;
        s_.write(sample::data | sample::wrapped | sample::encrypted | sample::send_mic, w.token);
        const auto f = s_.read();
        if ((f.type & sample::mic) == 0) unexpected(f, "a MIC");
        // The server's MIC over our plaintext proves it unwrapped the message.
        mic.length = f.payload.size();
        gss::verify_mic(initiator.context(), msg, f.payload);
        mic.ok = true;
        sent.ok = true;
      } catch (const gss::GssError& e) {
        mic.error = gss_text(e);
        sent.error = "the server's MIC over the message did not verify";
      }
      out.checks.push_back(sent);
      out.checks.push_back(mic);
    }
    return out;
  }
  void finish() override { s_.write(sample::noop, gss::Bytes{}); }

 private:
  FrameStream& s_;
};

class SampleServer final : public ServerChannel {
 public:
  explicit SampleServer(FrameStream& s) : s_(s) {}
  void start() override {
    const auto f = s_.read();
    if ((f.type & sample::context_next) == 0) unexpected(f, "NOOP|CONTEXT_NEXT (gss-sample's first frame)");
    // With NOOP the frame carries no token; without, it is already the first CONTEXT token.
    if ((f.type & sample::noop) == 0) pending_ = f.payload;
  }
  Incoming receive() override {
    if (pending_) {
      Incoming in{Incoming::Kind::token, std::move(*pending_), {}};
      pending_.reset();
      return in;
    }
    const auto f = s_.read();
    if ((f.type & sample::context) == 0) unexpected(f, "a CONTEXT token");
    return Incoming{Incoming::Kind::token, f.payload, {}};
  }
  void send_token(const gss::Bytes& token) override { s_.write(sample::context, token); }
  void send_failure(const Json&, const gss::Bytes& token) override {
    if (!token.empty()) s_.write(sample::context, token);
  }
  void send_accepted(const std::optional<Json>&) override {}
  MessageOutcome serve_messages(const Party& acceptor) override {
    MessageOutcome out;
    // gss-client -mcount is bounded by its user; we bound it too.
    for (int n = 0; n < 100000; ++n) {
      Frame f;
      try {
        f = s_.read();
      } catch (const Error& e) {
        // gss-client closes right after its final NOOP; older ones close without it.
        if (e.error_class() == "closed_early" && n > 0) return out;
        throw;
      }
      if ((f.type & sample::noop) != 0) return out;
      if ((f.type & sample::data) == 0) unexpected(f, "DATA or NOOP");
      gss::Bytes plaintext = f.payload;
      MessageCheck check;
      check.kind = (f.type & sample::wrapped) != 0 ? "wrap" : "plain";
      check.direction = Direction::initiator_to_acceptor;
      check.conf_requested = (f.type & sample::encrypted) != 0;
      check.length = f.payload.size();
      try {
        if ((f.type & sample::wrapped) != 0) {
          const auto u = gss::unwrap(acceptor.context(), f.payload);
          plaintext = u.message;
          check.conf = u.conf;
          if (check.conf_requested && !u.conf) throw std::runtime_error("the message was not encrypted as flagged");
        }
        check.ok = true;
        if ((f.type & sample::send_mic) != 0) {
          const auto mic = gss::get_mic(acceptor.context(), plaintext);
          s_.write(sample::mic, mic);
          MessageCheck sent;
          sent.kind = "mic";
          sent.direction = Direction::acceptor_to_initiator;
          sent.length = mic.size();
          sent.ok = true;
          out.checks.push_back(check);
          out.checks.push_back(sent);
          continue;
        }
      } catch (const gss::GssError& e) {
        check.error = gss_text(e);
      } catch (const std::runtime_error& e) {
        check.error = e.what();
      }
      out.checks.push_back(check);
      if (!check.ok) return out;
    }
    throw transport_error("protocol_error", "the client sent more messages than authctx accepts on one connection");
  }

 private:
  FrameStream& s_;
  std::optional<gss::Bytes> pending_;
};
}  // namespace

std::unique_ptr<ClientChannel> make_authctx_client_channel(FrameStream& s);
std::unique_ptr<ServerChannel> make_authctx_server_channel(FrameStream& s);

std::unique_ptr<ClientChannel> make_client_channel(Framing framing, FrameStream& stream) {
  if (framing == Framing::gss_sample) return std::make_unique<SampleClient>(stream);
  return make_authctx_client_channel(stream);
}

std::unique_ptr<ServerChannel> make_server_channel(Framing framing, FrameStream& stream) {
  if (framing == Framing::gss_sample) return std::make_unique<SampleServer>(stream);
  return make_authctx_server_channel(stream);
}

gss::Bytes message_payload(int round, std::string_view kind) {
  const std::string text = "authctx " + std::string(kind) + " message, round " + std::to_string(round);
  return {text.begin(), text.end()};
}

MessageCheck message_from_json(const Json& j) {
  MessageCheck m;
  m.kind = j.value("kind", "");
  m.direction = j.value("direction", "") == "acceptor->initiator" ? Direction::acceptor_to_initiator
                                                                   : Direction::initiator_to_acceptor;
  m.conf_requested = j.value("conf_requested", false);
  m.conf = j.value("conf", false);
  m.ok = j.value("ok", false);
  m.length = j.value("length", std::size_t{0});
  m.error = j.value("error", "");
  return m;
}

}  // namespace authctx::core
