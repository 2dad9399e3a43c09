// Where one LDAPMessage ends in a byte stream, and whether its BER structure is sound,
// before any of it is handed to liblber. Pure functions over byte spans; no allocation
// beyond the diagnostics.
//
// probe_message looks at the first bytes of a stream: an LDAPMessage is a universal
// SEQUENCE (0x30) with a definite length (RFC 4511 §5.1: "only the definite form of length
// encoding is used"). It answers "need N more header bytes", "a message of N bytes", or an
// error with the offset of the offending octet: a first octet that is not 0x30 (named when
// it looks like TLS, HTTP or a SASL buffer length), an indefinite length, more than four
// length octets, or a length over the caller's maximum. The length is checked before the
// caller allocates anything.
//
// check_structure walks every TLV of a complete message, iteratively with an explicit
// stack: each constructed value's children must exactly fill it, lengths are definite and
// at most four octets, tag numbers at most four octets, and nesting is at most max_depth.
#pragma once
#include <cstddef>
#include <optional>

#include "ldap/errors.hpp"

namespace authctx::ldap {

struct MessageProbe {
  enum class Status { need_more, complete, error };
  Status status = Status::need_more;
  std::size_t need = 2;            // need_more: total header bytes required so far
  std::size_t header_length = 0;   // complete: identifier and length octets
  std::size_t content_length = 0;  // complete: the SEQUENCE's contents
  std::size_t total() const { return header_length + content_length; }
  Diagnostic error;  // error
  std::string hint;  // error: what the peer probably is
};

MessageProbe probe_message(ByteView prefix, std::size_t max_message);

std::optional<Diagnostic> check_structure(ByteView message, std::size_t max_depth);

}  // namespace authctx::ldap
