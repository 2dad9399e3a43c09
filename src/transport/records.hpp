// Frames on a TCP connection. Both framings authctx speaks share one layout:
//   1 byte  type (authctx framing) or flags (MIT gss-sample)
//   4 bytes length, big-endian
//   length bytes of payload
// A frame is sent with a single write (FACTS.md: gss-sample's three writes cost ~44 ms
// twice per context with Nagle). The length is checked against the limit before anything
// is allocated, and the type byte before the length, so a peer speaking something else (an
// HTTP request, the other framing) is named as such; a zero flags byte (gss-sample's old v1
// format) is refused.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "net/socket.hpp"
#include "gss/buffer.hpp"

namespace authctx::core {

enum class Framing { authctx, gss_sample };

// authctx framing frame types (man authctx(1), "THE AUTHCTX FRAMING").
namespace frame {
inline constexpr std::uint8_t hello = 0xA1;     // JSON: {"protocol":"authctx/1", ...}
inline constexpr std::uint8_t token = 0xA2;     // a context token
inline constexpr std::uint8_t accepted = 0xA3;  // JSON: {"established":true,"context":CONTEXT|null}
inline constexpr std::uint8_t error = 0xA4;     // JSON: {"error":ERROR,"token_base64":...}
inline constexpr std::uint8_t wrap = 0xA5;      // 1 byte conf-requested flag, then a wrap token
inline constexpr std::uint8_t mic = 0xA6;       // 4-byte big-endian message length, message, MIC token
inline constexpr std::uint8_t bye = 0xA7;       // empty: the client is done
inline constexpr std::uint8_t results = 0xA8;   // JSON: {"messages":[...]} the acceptor's checks
}  // namespace frame

// MIT gss-sample token flags (src/appl/gss-sample/gss-misc.h).
namespace sample {
inline constexpr std::uint8_t noop = 0x01;
inline constexpr std::uint8_t context = 0x02;
inline constexpr std::uint8_t data = 0x04;
inline constexpr std::uint8_t mic = 0x08;
inline constexpr std::uint8_t context_next = 0x10;
inline constexpr std::uint8_t wrapped = 0x20;
inline constexpr std::uint8_t encrypted = 0x40;
inline constexpr std::uint8_t send_mic = 0x80;
}  // namespace sample

struct Frame {
  std::uint8_t type = 0;
  gss::Bytes payload;
};

class FrameStream {
 public:
  FrameStream(Socket& socket, Framing framing, std::size_t max_payload, std::chrono::milliseconds timeout,
              const std::atomic<bool>* abort = nullptr)
      : socket_(socket), framing_(framing), max_payload_(max_payload), timeout_(timeout), abort_(abort) {}
  void write(std::uint8_t type, std::span<const std::uint8_t> payload);
  void write(std::uint8_t type, const std::string& text);
  // Reads one frame within the timeout; throws transport errors (timeout, closed_early,
  // token_too_large, malformed_frame).
  Frame read();

 private:
  Socket& socket_;
  Framing framing_;
  std::size_t max_payload_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* abort_;
};

}  // namespace authctx::core
