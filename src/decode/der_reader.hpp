// DerReader: a small bounded reader for ASN.1 DER (X.690 §8, §10) over a byte span.
//
// The idea follows MIT krb5's k5-input.h / k5-der.h: a reader owns a window of the input,
// every read is checked against that window, and the first error sticks (later reads on the
// same reader fail quietly, so a decoder can read a whole SEQUENCE without checking each
// step). A TLV's contents are handed out as a sub-reader bounded to exactly that value, so
// an error inside one field never desynchronises its parent: the parent carries on with the
// next field. Errors are written once per reader into a shared Diagnostics collector with
// absolute offsets (base + position). Only definite lengths are accepted; lengths use at
// most 4 octets and may not exceed the window. Nothing here allocates except diagnostics
// and the strings the value helpers return.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "decode/diagnostics.hpp"

namespace authctx::decode {

using Bytes = std::span<const std::uint8_t>;

enum class TagClass : std::uint8_t { universal = 0, application = 1, context = 2, priv = 3 };

// Universal tag numbers used by the decoders (X.680 §8.4).
namespace der_tag {
inline constexpr std::uint32_t boolean = 1, integer = 2, bit_string = 3, octet_string = 4, null = 5,
                               oid = 6, enumerated = 10, utf8_string = 12, sequence = 16,
                               ia5_string = 22, generalized_time = 24, general_string = 27;
}

struct Tlv {
  TagClass cls = TagClass::universal;
  bool constructed = false;
  std::uint32_t tag = 0;
  std::size_t offset = 0;           // absolute offset of the identifier octet
  std::size_t contents_offset = 0;  // absolute offset of the first contents octet
  Bytes contents;
  std::size_t end() const { return contents_offset + contents.size(); }
  bool is(TagClass c, std::uint32_t t) const { return cls == c && tag == t; }
};

class DerReader {
 public:
  DerReader(Bytes data, std::size_t base, Diagnostics& diag) : data_(data), base_(base), diag_(&diag) {}

  bool ok() const { return !failed_; }
  bool at_end() const { return failed_ || pos_ >= data_.size(); }
  std::size_t offset() const { return base_ + pos_; }  // absolute offset of the next octet
  std::size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
  Bytes rest() const { return failed_ ? Bytes{} : data_.subspan(pos_); }
  Diagnostics& diagnostics() const { return *diag_; }

  // Parses the next TLV header without consuming it. Never records an error.
  std::optional<Tlv> peek() const;
  bool next_is(TagClass cls, std::uint32_t tag) const;

  // Reads the next TLV (any tag). On malformed input records "<what>: <problem>" and fails.
  bool read(Tlv& out, std::string_view what);
  // Reads the next TLV and requires its class and tag.
  bool expect(TagClass cls, std::uint32_t tag, Tlv& out, std::string_view what);
  // A reader bounded to a TLV's contents, sharing this reader's diagnostics.
  DerReader sub(const Tlv& tlv) const { return DerReader(tlv.contents, tlv.contents_offset, *diag_); }

  // Explicitly tagged SEQUENCE member [n] (RFC 4120 style): when the next TLV is [n]
  // constructed, consumes it and sets `inner` to a reader over its contents. When absent,
  // returns false; a required field also records "<what> [n] missing".
  bool field(std::uint32_t n, DerReader& inner, std::string_view what, bool required);

  // Records an error at an absolute offset (once per reader) and stops this reader.
  void fail(std::size_t abs_offset, std::string message);
  void fail_here(std::string message) { fail(offset(), std::move(message)); }

  // Records "<what>: N unexpected trailing bytes" unless the reader is at its end.
  void expect_end(std::string_view what);

 private:
  bool parse_header(std::size_t at, Tlv& out, std::string* problem) const;

  Bytes data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
  Diagnostics* diag_;
  bool failed_ = false;
};

// Primitive value helpers. Each reads one TLV of the stated universal type from r (which is
// usually a field reader), records a diagnostic on mismatch and returns nullopt.
std::optional<std::int64_t> der_read_integer(DerReader& r, std::string_view what);
std::optional<std::string> der_read_string(DerReader& r, std::string_view what);  // any string type
std::optional<Tlv> der_read_octets(DerReader& r, std::string_view what);
std::optional<std::string> der_read_oid(DerReader& r, std::string_view what);  // dotted form
// KerberosTime (GeneralizedTime "YYYYMMDDHHMMSSZ", RFC 4120 §5.2.3) as RFC 3339.
std::optional<std::string> der_read_time(DerReader& r, std::string_view what);
// BIT STRING as the first 32 bits, bit 0 being the most significant bit of the first
// contents octet (KerberosFlags, RFC 4120 §5.2.8; ContextFlags, RFC 4178 §4.2.1).
std::optional<std::uint32_t> der_read_flags32(DerReader& r, std::string_view what);

// Dotted-decimal form of OID contents octets (X.690 §8.19); nullopt when malformed.
std::optional<std::string> oid_to_string(Bytes contents);

}  // namespace authctx::decode
