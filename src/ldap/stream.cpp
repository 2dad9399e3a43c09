#include "ldap/stream.hpp"

#include <algorithm>

#include "ldap/ber_frame.hpp"
#include "ldap/sasl_layer.hpp"

namespace authctx::ldap {

void MessageStream::fill(Bytes& buffer, std::size_t want, Clock::time_point deadline) {
  std::uint8_t chunk[16384];
  while (buffer.size() < want) {
    const auto room = std::min(sizeof chunk, want - buffer.size());
    const auto n = conn_.read_some(std::span(chunk, room), deadline);
    buffer.insert(buffer.end(), chunk, chunk + n);
  }
}

Bytes MessageStream::take(Bytes& buffer, std::size_t n) {
  Bytes out(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

void MessageStream::protect(Protection& protection, std::optional<std::uint32_t> peer_max_buffer,
                            std::uint32_t own_max_buffer) {
  protection_ = &protection;
  peer_max_buffer_ = peer_max_buffer;
  own_max_buffer_ = own_max_buffer;
}

Sent MessageStream::send(ByteView message) {
  const auto deadline = Clock::now() + limits_.timeout;
  Sent sent{Bytes(message.begin(), message.end()), {}};
  if (protection_ == nullptr) {
    conn_.write_all(message, deadline);
    return sent;
  }
  // RFC 4422 §3.7: the byte stream may be split across buffers; each wrapped buffer must
  // fit the maximum the server announced (RFC 4752 §3.1).
  std::size_t chunk = message.size();
  if (peer_max_buffer_) chunk = *peer_max_buffer_ == 0 ? 0 : protection_->max_plaintext(*peer_max_buffer_);
  if (chunk == 0)
    throw transport_error(
        "wrap_too_large",
        "no protected message fits the server's maximum buffer of " + std::to_string(*peer_max_buffer_) + " bytes",
        "the server advertised a maximum buffer too small for any wrap token: fix its SASL "
        "maxbufsize");
  Bytes wire;
  for (std::size_t at = 0; at < message.size(); at += chunk) {
    const auto piece = message.subspan(at, std::min(chunk, message.size() - at));
    const auto token = protection_->wrap(piece);
    if (peer_max_buffer_ && token.size() > *peer_max_buffer_)
      throw transport_error("wrap_too_large",
                            "a wrap token of " + std::to_string(token.size()) +
                                " bytes exceeds the server's maximum buffer of " + std::to_string(*peer_max_buffer_),
                            "the server's maximum buffer is smaller than a wrap token; fix its SASL maxbufsize");
    const auto framed = frame_sasl_buffer(token);
    wire.insert(wire.end(), framed.begin(), framed.end());
    sent.sasl_buffers.push_back(token.size());
  }
  conn_.write_all(wire, deadline);
  return sent;
}

std::size_t MessageStream::read_sasl_buffer(Clock::time_point deadline) {
  fill(raw_, 4, deadline);
  const auto probe = probe_sasl_buffer(ByteView(raw_.data(), 4), own_max_buffer_);
  if (probe.status == SaslBufferProbe::Status::error) {
    const bool too_large = probe.error.message.find("over the negotiated") != std::string::npos;
    throw transport_error(too_large ? "sasl_buffer_too_large" : "sasl_buffer_malformed", probe.error.message,
                          too_large ? "the server ignores the maximum buffer the client announced (RFC 4752 §3.1); "
                                      "raise --sasl-maxbuf to accept it"
                                    : "the server does not follow RFC 4422 §3.7 buffer framing");
  }
  raw_.erase(raw_.begin(), raw_.begin() + 4);
  fill(raw_, probe.length, deadline);
  const auto token = take(raw_, probe.length);
  const auto plain = protection_->unwrap(token);
  if (plain_.size() + plain.size() > limits_.max_message + k_max_sasl_buffer)
    throw transport_error("message_too_large", "the server's protected data exceeds the message size limit",
                          "raise --max-token-size if the server is genuine");
  plain_.insert(plain_.end(), plain.begin(), plain.end());
  return probe.length;
}

Received MessageStream::receive() {
  const auto deadline = Clock::now() + limits_.timeout;
  Received r;
  Bytes& source = protection_ != nullptr ? plain_ : raw_;
  MessageProbe probe;
  while (true) {
    probe = probe_message(source, limits_.max_message);
    if (probe.status != MessageProbe::Status::need_more) break;
    if (protection_ != nullptr)
      r.sasl_buffers.push_back(read_sasl_buffer(deadline));
    else
      fill(raw_, std::max(probe.need, raw_.size() + 1), deadline);
  }
  if (probe.status == MessageProbe::Status::error) {
    const bool first_octet = probe.error.offset == 0;
    const bool too_large = probe.error.message.find("over the limit") != std::string::npos;
    throw transport_error(
        too_large ? "message_too_large" : (first_octet ? "not_ldap" : "malformed_message"),
        at_byte((first_ ? "the server's first reply: " : "a reply: ") + probe.error.message, probe.error.offset),
        probe.hint);
  }
  first_ = false;
  while (source.size() < probe.total()) {
    if (protection_ != nullptr)
      r.sasl_buffers.push_back(read_sasl_buffer(deadline));
    else
      fill(raw_, probe.total(), deadline);
  }
  r.bytes = take(source, probe.total());
  r.decoded = decode_message(r.bytes, limits_.decode);
  return r;
}

}  // namespace authctx::ldap
