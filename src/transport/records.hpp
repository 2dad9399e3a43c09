// Records on a byte stream: what the two framings authctx speaks on a connection have in
// common. A record is
//   1 byte  type (authctx framing) or flags (MIT gss-sample)
//   4 bytes length, big-endian
//   length bytes of payload
// SocketRecords moves records over a TCP connection. Writes are held until the next read
// that has to wait for the peer (or flush()), so the records one side sends before it
// listens leave in a single write: the client's HELLO with its first token, the server's
// HELLO, final token and ACCEPTED (MIT's gss-sample writes flags, length and token in three
// send() calls, which costs ~44 ms twice per context on Nagle and delayed ACK). Reads are
// buffered: one recv() takes whatever has arrived, so records the peer pipelined cost no
// further system call, and bytes read before the stream was made (a server reads the
// first record before it hands the connection on) come first. A read checks the type byte
// before the length and the length against the limit before anything is allocated, so a
// peer speaking something else (an HTTP request, the other framing) is named as such; a
// zero flags byte (gss-sample's old v1 format) is refused. Every read and write is bounded
// by the timeout. Errors are util::Error of kind transport (timeout, closed_early,
// token_too_large, malformed_frame).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "net/socket.hpp"
#include "util/bytes.hpp"

namespace authctx::transport {

using util::Bytes;

enum class Framing { authctx, gss_sample };

// The authctx framing's record types (man authctx(1), "THE AUTHCTX FRAMING"). Unscoped, so
// they compare with a record's type byte as they are.
namespace wire {
enum Type : std::uint8_t {
  hello = 0xA1,     // JSON: {"protocol":"authctx/1", ...}
  token = 0xA2,     // a context token
  accepted = 0xA3,  // JSON: {"established":true,"context":CONTEXT|null}
  error = 0xA4,     // JSON: {"error":ERROR,"token_base64":...}
  wrap = 0xA5,      // 1 byte conf-requested flag, then a wrap token
  mic = 0xA6,       // 4-byte big-endian message length, message, MIC token
  bye = 0xA7,       // empty: the client is done
  results = 0xA8,   // JSON: {"messages":[...]} the acceptor's checks
};
}  // namespace wire

// MIT gss-sample token flags (src/appl/gss-sample/gss-misc.h), combined with |.
namespace sample {
enum Flag : std::uint8_t {
  noop = 0x01,
  context = 0x02,
  data = 0x04,
  mic = 0x08,
  context_next = 0x10,
  wrapped = 0x20,
  encrypted = 0x40,
  send_mic = 0x80,
};
}  // namespace sample

struct Record {
  std::uint8_t type = 0;
  Bytes payload;
};

// Where records go: a connection (SocketRecords) or a folder (files_channel.hpp).
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  virtual void write(std::uint8_t type, std::span<const std::uint8_t> payload) = 0;
  // The peer's next record; throws transport errors.
  virtual Record read() = 0;
  // The same, or nullopt when the peer ended the stream cleanly before the record began.
  virtual std::optional<Record> read_or_end() { return read(); }
  // Sends what write() holds back (a stream that holds nothing back does nothing).
  virtual void flush() {}
};

class SocketRecords final : public RecordStream {
 public:
  // abort, when given, ends a wait early (the server shutting down); received: bytes already
  // read from the socket, to be read first.
  SocketRecords(net::Socket& socket, Framing framing, std::size_t max_payload, std::chrono::milliseconds timeout,
                const std::atomic<bool>* abort = nullptr, Bytes received = {})
      : socket_(socket),
        framing_(framing),
        max_payload_(max_payload),
        timeout_(timeout),
        abort_(abort),
        in_(std::move(received)) {}
  void write(std::uint8_t type, std::span<const std::uint8_t> payload) override;
  Record read() override;
  std::optional<Record> read_or_end() override;
  void flush() override;

 private:
  // Makes at least n bytes available in in_ (from in_pos_), flushing held writes before
  // waiting; false when the peer closed with none of the record read (allowed with at_start).
  bool fill(std::size_t n, net::Clock::time_point deadline, bool at_start);
  std::optional<Record> next(bool end_allowed);

  net::Socket& socket_;
  Framing framing_;
  std::size_t max_payload_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* abort_;
  Bytes in_;
  std::size_t in_pos_ = 0;
  Bytes out_;
};

// The header check every reader makes: throws malformed_frame for a type byte the framing
// does not use and token_too_large for a length over max_payload. Returns the length.
std::uint32_t check_header(std::span<const std::uint8_t, 5> header, Framing framing, std::size_t max_payload);

// How a record at the start of buf stands: complete (its size in bytes), incomplete, or
// bad (its header fails check_header; reading it tells why).
struct RecordExtent {
  enum class State { incomplete, complete, bad } state = State::incomplete;
  std::size_t size = 0;
};
RecordExtent record_extent(std::span<const std::uint8_t> buf, Framing framing, std::size_t max_payload);

// A record type as text for messages: "0xa5".
std::string type_text(std::uint8_t type);

// The 4-byte big-endian length prefix both framings (and the authctx MIC payload) use.
void put_length(Bytes& out, std::size_t n);
std::uint32_t get_length(std::span<const std::uint8_t, 4> in);

}  // namespace authctx::transport
