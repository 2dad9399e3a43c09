// Byte types and diagnostics of the LDAP library, and its errors. Decoders never throw:
// they return what they understood with Diagnostics (a byte offset from the start of the
// message, or of the security-layer message, and a sentence). Operations on a connection
// throw util::Error (the project's one error type): kind usage, transport or setup, a
// stable class, a sentence and a hint; a malformed message's sentence ends with
// "(at byte N)". Nothing here chooses an exit code.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "util/bytes.hpp"
#include "util/errors.hpp"

namespace authctx::ldap {

using util::Bytes;
using ByteView = std::span<const std::uint8_t>;

struct Diagnostic {
  std::size_t offset = 0;
  std::string message;
};

using util::Error;
using util::ErrorKind;
using util::setup_error;
using util::transport_error;
using util::usage_error;

// "MESSAGE (at byte N)": where in the peer's bytes a problem was found.
inline std::string at_byte(const std::string& message, std::size_t offset) {
  return message + " (at byte " + std::to_string(offset) + ")";
}

}  // namespace authctx::ldap
