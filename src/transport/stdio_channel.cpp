// The stdio transport (stdio_channel.hpp): paragraph codec and the channel.
#include "transport/stdio_channel.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::transport {
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
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

void write_all(int fd, std::string_view text, SteadyClock::time_point deadline) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) throw util::transport_error("timeout", "timed out writing a token to standard output");
    pollfd p{fd, POLLOUT, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR) throw util::transport_error("io_error", std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0 && errno == EPIPE)
      throw util::transport_error("closed_early", "the peer closed its end of the pipe before taking our token",
                                  "over --stdio the peer's error does not travel: see the other side's own output");
    if (n < 0) throw util::transport_error("io_error", std::string("cannot write a token: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}
}  // namespace

std::optional<Bytes> decode_paragraph(std::string_view text) {
  auto t = trim(text);
  // Optional HTTP header name, then the Negotiate scheme (RFC 4559 §4).
  if (const auto colon = t.find(':'); colon != std::string::npos && colon < 40 && t.find(' ') > colon)
    t = trim(std::string_view(t).substr(colon + 1));
  if (starts_with_nocase(t, "Negotiate ")) t = trim(std::string_view(t).substr(10));
  if (t.empty()) return std::nullopt;
  return util::base64_decode(t);
}

std::string encode_paragraph(const Bytes& token, bool negotiate_prefix) {
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
      throw util::transport_error("token_too_large", "a line of standard input is longer than any token allowed",
                                  "raise --max-token-size if the peer is genuine");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) throw util::transport_error("timeout", "timed out waiting for the peer's token on standard input");
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (rc < 0 && errno != EINTR) throw util::transport_error("io_error", std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    char buf[4096];
    const auto n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0)
      throw util::transport_error("io_error", std::string("cannot read standard input: ") + std::strerror(errno));
    if (n == 0)
      eof_ = true;
    else
      buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<Bytes> ParagraphReader::next(SteadyClock::time_point deadline) {
  std::string text;
  std::string line;
  int first_line = 0;
  while (read_line(line, deadline)) {
    if (trim(line).empty()) {
      if (text.empty()) continue;  // blank lines between tokens
      break;
    }
    if (text.empty()) first_line = line_no_;
    text += line + "\n";  // single newlines inside a token are ignored by the decoder
    if (text.size() > max_text_)
      throw util::transport_error(
          "token_too_large",
          "the token starting at line " + std::to_string(first_line) + " of standard input is over --max-token-size",
          "raise --max-token-size if the peer is genuine");
  }
  if (text.empty()) return std::nullopt;
  auto token = decode_paragraph(text);
  if (!token) {
    auto shown = trim(text).substr(0, 40);
    for (auto& c : shown)
      if (c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    throw util::transport_error(
        "malformed_token",
        "the text at line " + std::to_string(first_line) + " of standard input is not a base64 token: \"" + shown +
            "\"",
        "paste one token per paragraph, base64 (optionally `Negotiate <base64>`), then an empty line");
  }
  return token;
}

StdioChannel::StdioChannel(const StdioOptions& options, Role role)
    : options_(options),
      role_(role),
      reader_(options.in_fd, options.max_token_size),
      peer_(role == Role::initiator ? "acceptor" : "initiator") {}

const ChannelTraits& StdioChannel::traits() const {
  static const ChannelTraits k_traits{MessagePlan::wrap_mic, false, false};
  return k_traits;
}

void StdioChannel::put(const Bytes& token, const std::string& what) {
  if (options_.interactive)
    std::cerr << "authctx: pass this " << what << " to the " << peer_ << " (copy the line below):\n";
  std::cerr.flush();
  write_all(options_.out_fd, encode_paragraph(token, options_.negotiate_prefix), SteadyClock::now() + options_.timeout);
}

std::optional<Bytes> StdioChannel::get(const std::string& what, const std::string& or_else) {
  if (options_.interactive)
    std::cerr << "authctx: paste the " << peer_ << "'s " << what << " (base64), then an empty line" << or_else << ":\n"
              << std::flush;
  return reader_.next(SteadyClock::now() + options_.timeout);
}

void StdioChannel::close_output() {
  if (options_.out_fd >= 0) ::close(options_.out_fd);
  options_.out_fd = -1;
}

Json StdioChannel::send(const Frame& f) {
  switch (f.kind) {
    case FrameKind::token: put(f.token, "token"); break;
    case FrameKind::error:
      if (!f.token.empty()) put(f.token, "error token");
      break;
    case FrameKind::accepted:
      accepted_ = true;
      if (!f.token.empty()) put(f.token, "token");
      break;
    case FrameKind::wrap:
      put(f.token, "wrap token");
      awaiting_mic_ = true;
      break;
    case FrameKind::mic: put(f.token, "MIC token"); break;
    case FrameKind::bye: close_output(); break;  // the acceptor serves rounds until its input ends
    case FrameKind::plain:
    case FrameKind::results: break;  // never sent over stdio (the plans that use it have neither)
  }
  return nullptr;
}

Frame StdioChannel::receive() {
  if (role_ == Role::acceptor && accepted_) {
    auto token = get("wrap token", "; or end the input (Ctrl-D) when it has no more");
    if (!token) return Frame::of(FrameKind::bye);
    Frame f = Frame::of(FrameKind::wrap);
    f.token = std::move(*token);
    f.conf = true;
    return f;
  }
  const std::string what = awaiting_mic_ ? "MIC token" : "token";
  auto token = get(what);
  if (!token)
    throw util::transport_error("closed_early", "the " + peer_ + "'s side closed its output before sending its " + what,
                                "over --stdio errors do not travel: the " + peer_ + "'s own output says what happened");
  if (awaiting_mic_) {
    awaiting_mic_ = false;
    Frame f = Frame::of(FrameKind::mic);
    f.token = std::move(*token);
    return f;
  }
  return Frame::context_token(std::move(*token));
}

Json StdioChannel::describe() const {
  return Json{
      {"kind", "stdio"}, {"negotiate_prefix", options_.negotiate_prefix}, {"interactive", options_.interactive}};
}

}  // namespace authctx::transport
