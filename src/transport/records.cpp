#include "transport/records.hpp"

#include <cstdio>

#include "util/errors.hpp"

namespace authctx::transport {

std::string type_text(std::uint8_t type) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", type);
  return buf;
}

void put_length(Bytes& out, std::size_t n) {
  const auto v = static_cast<std::uint32_t>(n);
  for (const int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

std::uint32_t get_length(std::span<const std::uint8_t, 4> in) {
  return (std::uint32_t{in[0]} << 24U) | (std::uint32_t{in[1]} << 16U) | (std::uint32_t{in[2]} << 8U) | in[3];
}

void SocketRecords::write(std::uint8_t type, std::span<const std::uint8_t> payload) {
  Bytes buf;
  buf.reserve(5 + payload.size());
  buf.push_back(type);
  put_length(buf, payload.size());
  buf.insert(buf.end(), payload.begin(), payload.end());
  socket_.write_all(buf, net::Clock::now() + timeout_);
}

Record SocketRecords::read() {
  std::uint8_t header[5];
  const auto deadline = net::Clock::now() + timeout_;
  socket_.read_exact(header, deadline, abort_);
  Record r;
  r.type = header[0];
  const std::uint32_t length = get_length(std::span<const std::uint8_t, 4>(header + 1, 4));
  if (framing_ == Framing::authctx && (r.type < wire::hello || r.type > wire::results)) {
    const bool http = r.type == 'G' || r.type == 'P' || r.type == 'H' || r.type == 'O' || r.type == 'D';
    const bool sample_peer = r.type == (sample::noop | sample::context_next) || r.type == sample::context;
    throw util::transport_error("malformed_frame",
                                "the peer sent frame type " + type_text(r.type) + ", not an authctx frame",
                                http ? "the peer sent what looks like an HTTP request; authctx speaks its own framing"
                                : sample_peer ? "the peer speaks MIT gss-sample: use --framing gss-sample"
                                              : "both sides must use the same --framing");
  }
  if (r.type == 0)
    throw util::transport_error("malformed_frame",
                                "the peer sent a frame with type/flags byte 0 (gss-sample's old v1 format)",
                                "use a peer that speaks the v2 gss-sample format, or --framing authctx");
  if (length > max_payload_)
    throw util::transport_error("token_too_large",
                                "the peer announced a " + std::to_string(length) + "-byte frame, over the limit of " +
                                    std::to_string(max_payload_) + " bytes",
                                "raise --max-token-size if the peer is genuine (large PACs make big tickets)");
  r.payload.resize(length);
  socket_.read_exact(r.payload, deadline, abort_);
  return r;
}

}  // namespace authctx::transport
