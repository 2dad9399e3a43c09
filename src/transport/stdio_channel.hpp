// Handshakes over standard input and output (`client --stdio`, `server --stdio`): tokens as
// base64, one per paragraph, as Heimdal's gss-token does: a blank line (or the end of
// input) ends a token and single newlines inside one are ignored. With negotiate_prefix a
// token is written as `Negotiate <base64>`; a paragraph read may always carry that prefix,
// optionally after an HTTP header name (`Authorization: Negotiate ...`).
//
// Only tokens travel, as with MIT gss-sample: no hello, no acceptor report, no error
// message. A failing acceptor sends its error token if it has one, else it closes its
// output; the client then reports the closed pipe (exit 3) and the server's own document
// holds the error. After establishment each of `messages` rounds is one wrap token from the
// initiator (confidentiality requested) answered by the acceptor's MIC over the unwrapped
// message, so both sides prove the session key; the server serves rounds until its input
// ends, which is how the client says it is done (it closes its output).
//
// With `interactive` (standard input is a terminal) a prompt on stderr says what to paste
// and which token to pass on; tokens still go to out_fd, so two people can relay a
// handshake by copy and paste. Reads are bounded by the timeout; malformed base64, a token
// over max_token_size and a pipe closed mid-handshake are transport errors (exit 3).
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "report/document.hpp"
#include "engine/options.hpp"
#include "report/sink.hpp"

namespace authctx::core {

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1u << 20;
  bool negotiate_prefix = false;
  bool interactive = false;
};

// Reads paragraphs of base64 from a file descriptor (bounded, no busy waiting).
class ParagraphReader {
 public:
  ParagraphReader(int fd, std::size_t max_token_size) : fd_(fd), max_text_(max_token_size / 3 * 4 + 4096) {}
  // The next token; nullopt at the end of input. Throws transport errors: timeout,
  // malformed_token (not base64), token_too_large.
  std::optional<gss::Bytes> next(std::chrono::steady_clock::time_point deadline);

 private:
  bool read_line(std::string& line, std::chrono::steady_clock::time_point deadline);
  int fd_;
  std::size_t max_text_;
  std::string buffer_;
  bool eof_ = false;
  int line_no_ = 0;
};

// Decodes one paragraph's text (prefix allowed); nullopt if it is not base64.
std::optional<gss::Bytes> decode_paragraph(std::string_view text);
// One token as a paragraph: base64 on one line, then a blank line.
std::string encode_paragraph(const gss::Bytes& token, bool negotiate_prefix);

// One handshake each; the document (with a "transport" object) goes to sink and is returned.
Document run_stdio_client(const StdioOptions& stdio, const InitiatorOptions& init, const SessionOptions& session,
                          EventSink& sink);
Document run_stdio_server(const StdioOptions& stdio, const AcceptorOptions& acc, const SessionOptions& session,
                          EventSink& sink);

}  // namespace authctx::core
