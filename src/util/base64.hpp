// Base64 (RFC 4648 §4) and hex codecs for token bytes. Standard library only.
// Decoders are strict about the alphabet but skip ASCII white space; they return
// std::nullopt on any other character or bad padding, never throw.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace authctx::util {

using Bytes = std::vector<std::uint8_t>;

std::string base64_encode(std::span<const std::uint8_t> data);
std::optional<Bytes> base64_decode(std::string_view text);
std::string hex_encode(std::span<const std::uint8_t> data);
std::optional<Bytes> hex_decode(std::string_view text);

}  // namespace authctx::util
