// Internal to src/ldap: a bounded reader over liblber's decoder with sticky errors and
// byte offsets, shaped like decode::DerReader. A cursor covers one constructed value's
// contents; enter() hands out a sub-cursor bounded to a child, so a bad field never
// desynchronises its parent. The first error of a cursor is recorded once (with the
// absolute offset of the octet being read) and later reads on it fail quietly.
//
// liblber's ber_skip_element reads the octet just after the element it skips (it saves it
// in ber_tag), so the bytes a cursor covers must be followed by one readable octet:
// decode_message decodes from a copy with one padding octet. liblber's header stays out of
// this file (BerElement is forward-declared).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ldap/errors.hpp"

struct berelement;

namespace authctx::ldap::detail {

// BER identifier octets used by LDAP (X.690 §8.1.2; RFC 4511 §5.1 uses only one-octet tags).
namespace tag {
enum Universal : std::uint32_t {
  boolean = 0x01,
  integer = 0x02,
  octet_string = 0x04,
  enumerated = 0x0a,
  sequence = 0x30,
  set = 0x31,
};
inline constexpr std::uint32_t application(std::uint32_t n, bool constructed) {
  return 0x40U | (constructed ? 0x20U : 0U) | n;
}
inline constexpr std::uint32_t context(std::uint32_t n, bool constructed) {
  return 0x80U | (constructed ? 0x20U : 0U) | n;
}
}  // namespace tag

class BerCursor {
 public:
  // data must be followed by one readable octet (see above); base is data's absolute offset.
  BerCursor(ByteView data, std::size_t base, std::vector<Diagnostic>& diagnostics);
  ~BerCursor();
  BerCursor(BerCursor&& o) noexcept;
  BerCursor& operator=(BerCursor&&) = delete;
  BerCursor(const BerCursor&) = delete;
  BerCursor& operator=(const BerCursor&) = delete;

  bool ok() const { return !failed_; }
  bool at_end() const;
  std::size_t offset() const;  // absolute offset of the next octet
  std::optional<std::uint32_t> peek_tag() const;
  bool next_is(std::uint32_t t) const { return peek_tag() == t; }

  // INTEGER or ENUMERATED (or an implicitly tagged one) that fits 32 bits.
  std::optional<std::int32_t> integer(std::uint32_t expected_tag, std::string_view what);
  std::optional<bool> boolean(std::uint32_t expected_tag, std::string_view what);
  // OCTET STRING (or an implicitly tagged one): its contents, any bytes.
  std::optional<std::string> octets(std::uint32_t expected_tag, std::string_view what);
  std::optional<Bytes> bytes(std::uint32_t expected_tag, std::string_view what);
  // A constructed value with this tag: a cursor over its contents.
  std::optional<BerCursor> enter(std::uint32_t expected_tag, std::string_view what);
  // Skips the next element whatever it is; false at the end or on error.
  bool skip(std::string_view what);

  void fail(std::string message);  // at the current offset, once
  void fail_at(std::size_t absolute_offset, std::string message);
  // Records "<what>: N unexpected trailing bytes" unless at the end.
  void expect_end(std::string_view what);

 private:
  bool check_tag(std::uint32_t expected_tag, std::string_view what);
  berelement* ber_ = nullptr;
  ByteView data_;
  std::size_t base_ = 0;
  std::vector<Diagnostic>* diagnostics_;
  bool failed_ = false;
};

}  // namespace authctx::ldap::detail
