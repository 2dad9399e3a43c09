// Handshakes over standard input and output (`client --stdio`, `server --stdio`): tokens as
// base64, one per paragraph, as Heimdal's gss-token does: a blank line (or the end of
// input) ends a token and single newlines inside one are ignored. With negotiate_prefix a
// token is written as `Negotiate <base64>`; a paragraph read may always carry that prefix,
// optionally after an HTTP header name (`Authorization: Negotiate ...`).
//
// Only tokens travel, as with MIT gss-sample: no hello, no verdict, no report, no error
// object. A failing side sends its error token if it has one. After establishment each
// round is one wrap token from the initiator (confidentiality requested) answered by the
// acceptor's MIC over the unwrapped message; the initiator's bye closes its output, and
// the acceptor reads the end of its input as that bye.
//
// With `interactive` (standard input is a terminal) a prompt on stderr says what to paste
// and which token to pass on; tokens still go to out_fd, so two people can relay a
// handshake by copy and paste. Reads are bounded by the timeout; malformed base64, a token
// over max_token_size and a pipe closed mid-handshake are transport errors (exit 3).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "transport/channel.hpp"

namespace authctx::transport {

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1U << 20U;
  bool negotiate_prefix = false;
  bool interactive = false;
};

// Reads paragraphs of base64 from a file descriptor (bounded, no busy waiting).
class ParagraphReader {
 public:
  ParagraphReader(int fd, std::size_t max_token_size) : fd_(fd), max_text_(max_token_size / 3 * 4 + 4096) {}
  // The next token; nullopt at the end of input. Throws transport errors: timeout,
  // malformed_token (not base64), token_too_large.
  std::optional<Bytes> next(std::chrono::steady_clock::time_point deadline);

 private:
  bool read_line(std::string& line, std::chrono::steady_clock::time_point deadline);
  int fd_;
  std::size_t max_text_;
  std::string buffer_;
  bool eof_ = false;
  int line_no_ = 0;
};

// Decodes one paragraph's text (prefix allowed); nullopt if it is not base64.
std::optional<Bytes> decode_paragraph(std::string_view text);
// One token as a paragraph: base64 on one line, then a blank line.
std::string encode_paragraph(const Bytes& token, bool negotiate_prefix);

class StdioChannel final : public Channel {
 public:
  StdioChannel(const StdioOptions& options, Role role);
  const ChannelTraits& traits() const override;
  Json send(const Frame& frame) override;
  Frame receive() override;
  // {"kind":"stdio","negotiate_prefix":...,"interactive":...}
  Json describe() const override;
  // Closes our output: the peer reads its end (the initiator's bye; an acceptor that
  // stops, so a client waiting for a token that will not come hears it).
  void close_output();

 private:
  void put(const Bytes& token, const std::string& what);
  std::optional<Bytes> get(const std::string& what, const std::string& or_else = {});

  StdioOptions options_;
  Role role_;
  ParagraphReader reader_;
  std::string peer_;
  bool accepted_ = false;      // acceptor: messages follow
  bool awaiting_mic_ = false;  // initiator: a wrap token went out
};

}  // namespace authctx::transport
