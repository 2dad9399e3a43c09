// What `authctx decode` reads: each INPUT is a file path, `-` for stdin, or (when no such
// file exists) a token given on the command line; no INPUT means stdin. Text input holds
// one token per line (blank lines and lines starting with '#' are skipped) in any form
// decode/input.hpp recognises; binary input is one raw token. authctx's own JSON output
// contributes its tokens: a document (an object with "schema": "authctx/1" and "legs")
// every leg's base64, a JSON Lines transcript (--format jsonl) every "leg" event's base64
// (its other events are skipped). `form` forces one input form.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "decode/input.hpp"

namespace authctx::cli {

// One token found in the input, or the reason a piece of input is not a token.
struct FoundToken {
  std::string source;  // "file.txt:3", "doc.json#leg2", "argument 1", "stdin"
  std::vector<std::uint8_t> bytes;
  std::string form;
  std::string error;  // non-empty: not a token
};

// Reads every INPUT; throws util::FileError for a file that cannot be read.
std::vector<FoundToken> collect_tokens(const std::vector<std::string>& inputs, decode::InputForm form);

}  // namespace authctx::cli
