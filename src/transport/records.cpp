#include "transport/records.hpp"

#include "util/errors.hpp"

namespace authctx::core {

void FrameStream::write(std::uint8_t type, std::span<const std::uint8_t> payload) {
  gss::Bytes buf;
  buf.reserve(5 + payload.size());
  buf.push_back(type);
  const auto n = static_cast<std::uint32_t>(payload.size());
  buf.push_back(static_cast<std::uint8_t>(n >> 24));
  buf.push_back(static_cast<std::uint8_t>(n >> 16));
  buf.push_back(static_cast<std::uint8_t>(n >> 8));
  buf.push_back(static_cast<std::uint8_t>(n));
  buf.insert(buf.end(), payload.begin(), payload.end());
  socket_.write_all(buf, Clock::now() + timeout_);
}

void FrameStream::write(std::uint8_t type, const std::string& text) {
  write(type, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Frame FrameStream::read() {
  std::uint8_t header[5];
  const auto deadline = Clock::now() + timeout_;
  socket_.read_exact(header, deadline, abort_);
  Frame f;
  f.type = header[0];
  const std::uint32_t length = (std::uint32_t{header[1]} << 24) | (std::uint32_t{header[2]} << 16) |
                               (std::uint32_t{header[3]} << 8) | header[4];
  if (framing_ == Framing::authctx && (f.type < frame::hello || f.type > frame::results)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%02x", f.type);
    const bool http = f.type == 'G' || f.type == 'P' || f.type == 'H' || f.type == 'O' || f.type == 'D';
    const bool sample_peer = f.type == (sample::noop | sample::context_next) || f.type == sample::context;
    throw transport_error("malformed_frame", std::string("the peer sent frame type ") + buf + ", not an authctx frame",
                          http          ? "the peer sent what looks like an HTTP request; authctx speaks its own framing"
                          : sample_peer ? "the peer speaks MIT gss-sample: use --framing gss-sample"
                                        : "both sides must use the same --framing");
  }
  if (f.type == 0)
    throw transport_error("malformed_frame", "the peer sent a frame with type/flags byte 0 (gss-sample's old v1 format)",
                          "use a peer that speaks the v2 gss-sample format, or --framing authctx");
  if (length > max_payload_)
    throw transport_error("token_too_large",
                          "the peer announced a " + std::to_string(length) + "-byte frame, over the limit of " +
                              std::to_string(max_payload_) + " bytes",
                          "raise --max-token-size if the peer is genuine (large PACs make big tickets)");
  f.payload.resize(length);
  socket_.read_exact(f.payload, deadline, abort_);
  return f;
}

}  // namespace authctx::core
