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

std::uint32_t check_header(std::span<const std::uint8_t, 5> header, Framing framing, std::size_t max_payload) {
  const std::uint8_t type = header[0];
  const std::uint32_t length = get_length(std::span<const std::uint8_t, 4>(header.data() + 1, 4));
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
  return length;
}

RecordExtent record_extent(std::span<const std::uint8_t> buf, Framing framing, std::size_t max_payload) {
  if (buf.size() < 5) return {};
  try {
    const auto length = check_header(std::span<const std::uint8_t, 5>(buf.data(), 5), framing, max_payload);
    if (buf.size() - 5 < length) return {};
    return {RecordExtent::State::complete, 5 + std::size_t{length}};
  } catch (const util::Error&) {
    return {RecordExtent::State::bad, 0};
  }
}

void SocketRecords::write(std::uint8_t type, std::span<const std::uint8_t> payload) {
  out_.reserve(out_.size() + 5 + payload.size());
  out_.push_back(type);
  put_length(out_, payload.size());
  out_.insert(out_.end(), payload.begin(), payload.end());
}

void SocketRecords::flush() {
  if (out_.empty()) return;
  socket_.write_all(out_, net::Clock::now() + timeout_);
  out_.clear();
}

bool SocketRecords::fill(std::size_t n, net::Clock::time_point deadline, bool at_start) {
  while (in_.size() - in_pos_ < n) {
    // About to wait for the peer: first send what we hold, the peer may be waiting for it.
    flush();
    if (in_pos_ > 0) {  // keep the buffer from growing: drop what has been read
      in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_pos_));
      in_pos_ = 0;
    }
    const std::size_t have = in_.size();
    // Read what has arrived, up to 16 KiB beyond what this record needs (the next records).
    in_.resize(have + std::max<std::size_t>(n - have, 16384));
    std::size_t got = 0;
    try {
      got = socket_.read_some(std::span(in_).subspan(have), deadline, abort_);
    } catch (const util::Error& e) {
      in_.resize(have);
      if (e.error_class() != "timeout") throw;
      throw util::transport_error(
          "timeout",
          "timed out waiting for the peer (" + std::to_string(have) + " of " + std::to_string(n) + " bytes received)",
          "the peer is silent: check it is running and speaks the same --framing; raise --timeout");
    }
    in_.resize(have + got);
    if (got == 0) {
      if (at_start && have == 0) return false;
      throw util::transport_error("closed_early",
                                  "the peer closed the connection (" + std::to_string(have) + " of " +
                                      std::to_string(n) + " bytes of a frame received)",
                                  "the peer gave up or crashed; its own output says why");
    }
  }
  return true;
}

std::optional<Record> SocketRecords::next(bool end_allowed) {
  const auto deadline = net::Clock::now() + timeout_;
  if (!fill(5, deadline, end_allowed)) return std::nullopt;
  const auto* header = in_.data() + in_pos_;
  const auto length = check_header(std::span<const std::uint8_t, 5>(header, 5), framing_, max_payload_);
  Record r;
  r.type = header[0];
  fill(5 + std::size_t{length}, deadline, false);
  const auto begin = in_.begin() + static_cast<std::ptrdiff_t>(in_pos_ + 5);
  r.payload.assign(begin, begin + length);
  in_pos_ += 5 + std::size_t{length};
  return r;
}

Record SocketRecords::read() { return *next(false); }

std::optional<Record> SocketRecords::read_or_end() { return next(true); }

}  // namespace authctx::transport
