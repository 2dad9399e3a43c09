#include "decode/decode.hpp"

namespace authctx::decode {

Value decode_token(std::span<const std::uint8_t> token, const Options& /*options*/) {
  Value v = Value::object();
  v.set("type", "unknown");
  v.set("reason", "decoder not implemented yet");
  v.set("length", token.size());
  return v;
}

}  // namespace authctx::decode
