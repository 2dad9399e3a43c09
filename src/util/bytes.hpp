// The one byte-buffer type every layer passes around: tokens, frames, file contents,
// per-message payloads. A plain vector, so any layer can use it without a library.
#pragma once
#include <cstdint>
#include <vector>

namespace authctx::util {

using Bytes = std::vector<std::uint8_t>;

}  // namespace authctx::util
