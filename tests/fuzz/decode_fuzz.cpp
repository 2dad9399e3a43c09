// libFuzzer target for the pure token decoders, taken the way the product takes them: the
// tree goes through report::to_json and json::dump (what users get in every document), the
// text view's one-line summary and --verbose outline, and the secret ranges with the
// blanked copy a document carries; the input-form parser (base64, hex, Negotiate headers)
// likewise. Nothing may crash, hang or read outside the input; a secret range must lie
// inside the token, and blanking must keep the token's length. The last input byte picks
// --show-secrets. Seeds: corpus/decode (the captured vectors of tests/data/tokens).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "decode/decode.hpp"
#include "decode/input.hpp"
#include "json/json.hpp"
#include "report/decoded_json.hpp"
#include "text/view.hpp"

namespace {
namespace decode = authctx::decode;

void take(std::span<const std::uint8_t> bytes, bool show_secrets) {
  std::vector<decode::SecretRange> ranges;
  decode::Options options;
  options.show_secrets = show_secrets;
  options.secret_ranges = &ranges;
  const auto tree = decode::decode_token(bytes, options);
  const auto j = authctx::report::to_json(tree);
  (void)authctx::json::dump(j, 2);
  (void)authctx::text::summarize_token(j);
  (void)authctx::text::render_text(
      authctx::json::Json{{"schema", "authctx/1"}, {"command", "decode"}, {"tokens", {{{"decoded", j}}}}},
      {false, true});
  const auto merged = decode::merge_ranges(ranges);
  for (const auto& r : merged)
    if (r.offset > bytes.size() || r.length > bytes.size() - r.offset) std::abort();
  if (decode::redact_secrets(bytes, merged).size() != bytes.size()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const bool show_secrets = size > 0 && (data[size - 1] & 1U) != 0;
  take(bytes, show_secrets);
  const auto input = decode::parse_token_input(bytes);
  if (input.ok) take(input.bytes, show_secrets);
  return 0;
}
