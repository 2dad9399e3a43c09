// libFuzzer target for the pure token decoders: decode_token() must never crash, hang or
// read outside its input, whatever the bytes; the input-form parser likewise. Build with
// -DAUTHCTX_FUZZ=ON and clang (see tests/fuzz/CMakeLists.txt); seeds: tests/data/tokens.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "decode/decode.hpp"
#include "decode/input.hpp"
#include "decode/value.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  authctx::decode::Options options;
  options.show_secrets = size > 0 && (data[size - 1] & 1) != 0;
  const auto tree = authctx::decode::decode_token(bytes, options);
  (void)authctx::decode::has_diagnostics(tree);
  (void)authctx::decode::to_debug_json(tree);
  const auto input = authctx::decode::parse_token_input(bytes);
  if (input.ok) (void)authctx::decode::decode_token(input.bytes, options);
  return 0;
}
