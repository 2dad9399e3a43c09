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

void check_record_header(Framing framing, std::uint8_t type, std::uint32_t length, std::size_t max_payload) {
  if (framing == Framing::authctx && (type < wire::hello || type > wire::results)) {
    const bool http = type == 'G' || type == 'P' || type == 'H' || type == 'O' || type == 'D';
    const bool sample_peer = type == (sample::noop | sample::context_next) || type == sample::context;
    throw util::transport_error("malformed_frame",
                                "the peer sent frame type " + type_text(type) + ", not an authctx frame",
                                http ? "the peer sent what looks like an HTTP request; authctx speaks its own framing"
                                : sample_peer ? "the peer speaks MIT gss-sample: use --framing gss-sample"
                                              : "both sides must use the same --framing");
  }
  if (type == 0)
    throw util::transport_error("malformed_frame",
                                "the peer sent a frame with type/flags byte 0 (gss-sample's old v1 format)",
                                "use a peer that speaks the v2 gss-sample format, or --framing authctx");
  if (length > max_payload)
    throw util::transport_error("token_too_large",
                                "the peer announced a " + std::to_string(length) + "-byte frame, over the limit of " +
                                    std::to_string(max_payload) + " bytes",
                                "raise --max-token-size if the peer is genuine (large PACs make big tickets)");
}

Record SocketRecords::read() {
  std::uint8_t header[5];
  const auto deadline = net::Clock::now() + timeout_;
  socket_.read_exact(header, deadline, abort_);
  Record r;
  r.type = header[0];
  const std::uint32_t length = get_length(std::span<const std::uint8_t, 4>(header + 1, 4));
  check_record_header(framing_, r.type, length, max_payload_);
  r.payload.resize(length);
  socket_.read_exact(r.payload, deadline, abort_);
  return r;
}

void BufferRecords::write(std::uint8_t type, std::span<const std::uint8_t> payload) {
  written_.push_back(Record{type, Bytes(payload.begin(), payload.end())});
}

Record BufferRecords::read() {
  const auto closed = [](std::size_t got, std::size_t want) {
    return util::transport_error("closed_early", "the peer closed the connection (" + std::to_string(got) + " of " +
                                                     std::to_string(want) + " bytes of a frame received)");
  };
  if (input_.size() < 5) throw closed(input_.size(), 5);
  Record r;
  r.type = input_[0];
  const std::uint32_t length = get_length(input_.subspan<1, 4>());
  check_record_header(framing_, r.type, length, max_payload_);
  if (input_.size() - 5 < length) throw closed(input_.size() - 5, length);
  r.payload.assign(input_.begin() + 5, input_.begin() + 5 + static_cast<std::ptrdiff_t>(length));
  input_ = input_.subspan(5 + length);
  return r;
}

}  // namespace authctx::transport
