// The stdio transport (channel_stdio.hpp): paragraph codec, the two channels and drivers.
#include "transport/stdio_channel.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "transport/channel.hpp"
#include "util/errors.hpp"
#include "engine/established.hpp"
#include "engine/handshake.hpp"
#include "util/base64.hpp"

namespace authctx::core {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

void write_all(int fd, std::string_view text, SteadyClock::time_point deadline) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) throw transport_error("timeout", "timed out writing a token to standard output");
    pollfd p{fd, POLLOUT, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR) throw transport_error("io_error", std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0 && errno == EPIPE)
      throw transport_error("closed_early", "the peer closed its end of the pipe before taking our token",
                            "over --stdio the peer's error does not travel: see the other side's own output");
    if (n < 0) throw transport_error("io_error", std::string("cannot write a token: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

std::string gss_text(const gss::GssError& e) {
  return e.stage() + ": " + (e.minor_text().empty() ? (e.major_text().empty() ? "" : e.major_text().front()) : e.minor_text());
}

// What both stdio channels share: the reader, the writer and the prompts.
class StdioPipe {
 public:
  StdioPipe(const StdioOptions& o, std::string peer) : o_(o), reader_(o.in_fd, o.max_token_size), peer_(std::move(peer)) {}
  void send(const gss::Bytes& token, const std::string& what) {
    if (o_.interactive) std::cerr << "authctx: pass this " << what << " to the " << peer_ << " (copy the line below):\n";
    std::cerr.flush();
    write_all(o_.out_fd, encode_paragraph(token, o_.negotiate_prefix), SteadyClock::now() + o_.timeout);
  }
  std::optional<gss::Bytes> receive(const std::string& what, const std::string& or_else = {}) {
    if (o_.interactive)
      std::cerr << "authctx: paste the " << peer_ << "'s " << what << " (base64), then an empty line" << or_else
                << ":\n" << std::flush;
    return reader_.next(SteadyClock::now() + o_.timeout);
  }
  gss::Bytes require(const std::string& what) {
    auto t = receive(what);
    if (!t)
      throw transport_error("closed_early", "the " + peer_ + "'s side closed its output before sending its " + what,
                            "over --stdio errors do not travel: the " + peer_ + "'s own output says what happened");
    return std::move(*t);
  }
  void close_output() {
    if (o_.out_fd >= 0) ::close(o_.out_fd);
    closed_ = true;
  }
  bool closed() const { return closed_; }

 private:
  const StdioOptions& o_;
  ParagraphReader reader_;
  std::string peer_;
  bool closed_ = false;
};

class StdioClient final : public ClientChannel {
 public:
  explicit StdioClient(const StdioOptions& o) : pipe_(o, "acceptor") {}
  void start(int) override {}
  void send_token(const gss::Bytes& token) override { pipe_.send(token, "token"); }
  void send_error(const Json&, const gss::Bytes& token) override {
    if (!token.empty()) pipe_.send(token, "error token");
  }
  Incoming receive() override { return Incoming{Incoming::Kind::token, pipe_.require("token"), {}}; }
  Incoming await_acceptance() override { return Incoming{Incoming::Kind::accepted, {}, Json{{"context", nullptr}}}; }
  MessageOutcome exchange_messages(const Party& initiator, int rounds) override {
    MessageOutcome out;
    for (int round = 1; round <= rounds; ++round) {
      const auto msg = message_payload(round, "wrap-conf");
      MessageCheck sent{"wrap", Direction::initiator_to_acceptor, true, false, false, 0, {}};
      MessageCheck mic{"mic", Direction::acceptor_to_initiator, false, false, false, 0, {}};
      try {
        const auto w = gss::wrap(initiator.context(), true, msg);
        sent.length = w.token.size();
        sent.conf = w.conf_applied;
        pipe_.send(w.token, "wrap token");
        const auto m = pipe_.require("MIC token");
        mic.length = m.size();
        // The acceptor's MIC over our plaintext proves it unwrapped the message.
        gss::verify_mic(initiator.context(), msg, m);
        mic.ok = sent.ok = true;
      } catch (const gss::GssError& e) {
        mic.error = gss_text(e);
        sent.error = "the acceptor's MIC over the message did not verify";
      }
      out.checks.push_back(sent);
      out.checks.push_back(mic);
    }
    return out;
  }
  // Closing our output tells the server we are done (it serves rounds until its input ends).
  void finish() override { pipe_.close_output(); }

 private:
  StdioPipe pipe_;
};

class StdioServer final : public ServerChannel {
 public:
  explicit StdioServer(const StdioOptions& o) : pipe_(o, "initiator") {}
  void start() override {}
  Incoming receive() override { return Incoming{Incoming::Kind::token, pipe_.require("token"), {}}; }
  void send_token(const gss::Bytes& token) override { pipe_.send(token, "token"); }
  void send_failure(const Json&, const gss::Bytes& token) override {
    if (!token.empty()) pipe_.send(token, "error token");
  }
  void send_accepted(const std::optional<Json>&) override {}
  MessageOutcome serve_messages(const Party& acceptor) override {
    MessageOutcome out;
    for (int round = 1; round <= 1000; ++round) {  // the client's --messages limit
      const auto token = pipe_.receive("wrap token", "; or end the input (Ctrl-D) when it has no more");
      if (!token) return out;
      MessageCheck check{"wrap", Direction::initiator_to_acceptor, true, false, false, token->size(), {}};
      MessageCheck sent{"mic", Direction::acceptor_to_initiator, false, false, false, 0, {}};
      gss::Bytes mic;
      bool unwrapped = false;
      try {
        const auto u = gss::unwrap(acceptor.context(), *token);
        unwrapped = true;
        check.conf = u.conf;
        check.ok = u.message == message_payload(round, "wrap-conf");
        if (!check.ok) check.error = "unwrapped message differs from what was wrapped";
        mic = gss::get_mic(acceptor.context(), u.message);
        sent.length = mic.size();
        sent.ok = true;
      } catch (const gss::GssError& e) {
        (unwrapped ? sent.error : check.error) = gss_text(e);
      }
      out.checks.push_back(check);
      out.checks.push_back(sent);
      if (mic.empty()) return out;  // nothing to answer with: the client sees the pipe close
      pipe_.send(mic, "MIC token");
    }
    return out;
  }

 private:
  StdioPipe pipe_;
};

Json transport_json(const StdioOptions& o) {
  return Json{{"kind", "stdio"}, {"negotiate_prefix", o.negotiate_prefix}, {"interactive", o.interactive}};
}
}  // namespace

std::optional<gss::Bytes> decode_paragraph(std::string_view text) {
  auto t = trim(text);
  // Optional HTTP header name, then the Negotiate scheme (RFC 4559 §4).
  if (const auto colon = t.find(':'); colon != std::string::npos && colon < 40 && t.find(' ') > colon)
    t = trim(std::string_view(t).substr(colon + 1));
  if (starts_with_nocase(t, "Negotiate ")) t = trim(std::string_view(t).substr(10));
  if (t.empty()) return std::nullopt;
  return util::base64_decode(t);
}

std::string encode_paragraph(const gss::Bytes& token, bool negotiate_prefix) {
  return (negotiate_prefix ? "Negotiate " : "") + util::base64_encode(token) + "\n\n";
}

bool ParagraphReader::read_line(std::string& line, SteadyClock::time_point deadline) {
  for (;;) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      ++line_no_;
      return true;
    }
    if (eof_) {
      if (buffer_.empty()) return false;
      line = std::exchange(buffer_, {});
      ++line_no_;
      return true;
    }
    if (buffer_.size() > max_text_)
      throw transport_error("token_too_large", "a line of standard input is longer than any token allowed",
                            "raise --max-token-size if the peer is genuine");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) throw transport_error("timeout", "timed out waiting for the peer's token on standard input");
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc < 0 && errno != EINTR) throw transport_error("io_error", std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    char buf[4096];
    const auto n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) throw transport_error("io_error", std::string("cannot read standard input: ") + std::strerror(errno));
    if (n == 0) eof_ = true;
    else buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<gss::Bytes> ParagraphReader::next(SteadyClock::time_point deadline) {
  std::string text, line;
  int first_line = 0;
  while (read_line(line, deadline)) {
    if (trim(line).empty()) {
      if (text.empty()) continue;  // blank lines between tokens
      break;
    }
    if (text.empty()) first_line = line_no_;
    text += line + "\n";  // single newlines inside a token are ignored by the decoder
    if (text.size() > max_text_)
      throw transport_error("token_too_large", "the token starting at line " + std::to_string(first_line) +
                                                   " of standard input is over --max-token-size",
                            "raise --max-token-size if the peer is genuine");
  }
  if (text.empty()) return std::nullopt;
  auto token = decode_paragraph(text);
  if (!token) {
    auto shown = trim(text).substr(0, 40);
    for (auto& c : shown)
      if (c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    throw transport_error("malformed_token",
                          "the text at line " + std::to_string(first_line) + " of standard input is not a base64 token: \"" +
                              shown + "\"",
                          "paste one token per paragraph, base64 (optionally `Negotiate <base64>`), then an empty line");
  }
  return token;
}

Document run_stdio_client(const StdioOptions& stdio, const InitiatorOptions& init, const SessionOptions& session,
                          EventSink& sink) {
  ::signal(SIGPIPE, SIG_IGN);
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "client";
  doc.peer = "stdio";
  {
    StdioClient channel(stdio);
    run_client_session(init, channel, session, sink, doc);
  }
  if (doc.established && !doc.error) {
    Warning w{"no_acceptor_report",
              "over --stdio only tokens travel: the acceptor's verdict, its context view and its checks of our "
              "messages are in the server's own document",
              "run the server with --output FILE to keep its document, or use --files or TCP for a complete report"};
    sink.event("warning", warning_json(w));
    doc.warnings.push_back(std::move(w));
  }
  doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  auto j = document_json(doc, event_options(session));
  j["transport"] = transport_json(stdio);
  sink.document(j);
  return doc;
}

Document run_stdio_server(const StdioOptions& stdio, const AcceptorOptions& acc, const SessionOptions& session,
                          EventSink& sink) {
  ::signal(SIGPIPE, SIG_IGN);
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "server";
  doc.peer = "stdio";
  {
    StdioServer channel(stdio);
    run_server_session(acc, channel, session, ServerSessionOptions{false}, sink, doc);
  }
  ::close(stdio.out_fd);  // the client may be waiting for a token that will not come
  doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  auto j = document_json(doc, event_options(session));
  j["transport"] = transport_json(stdio);
  sink.document(j);
  return doc;
}

}  // namespace authctx::core
