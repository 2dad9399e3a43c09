// Bounded little-endian / NDR reading. See ndr_reader.hpp for the contract.
#include "decode/ndr_reader.hpp"

#include "decode/text.hpp"

namespace authctx::decode {

namespace {
std::string with_what(std::string_view what, std::string_view problem) {
  std::string s(what);
  s += ": ";
  s += problem;
  return s;
}

// MS-DTYP §2.4.2: SubAuthorityCount is at most 15.
constexpr std::uint8_t kMaxSubAuthorities = 15;
}  // namespace

void NdrReader::fail(std::size_t abs_offset, std::string message) {
  if (failed_) return;
  failed_ = true;
  diag_->add(abs_offset, std::move(message));
}

bool NdrReader::need(std::size_t n, std::string_view what) {
  if (failed_) return false;
  if (data_.size() - pos_ < n) {
    fail(offset(), with_what(what, "needs " + std::to_string(n) + " bytes, " + std::to_string(data_.size() - pos_) +
                                       " left"));
    return false;
  }
  return true;
}

std::optional<NdrReader::Bytes> NdrReader::bytes(std::size_t n, std::string_view what) {
  if (!need(n, what)) return std::nullopt;
  const Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::optional<std::uint8_t> NdrReader::u8(std::string_view what) {
  const auto b = bytes(1, what);
  if (!b) return std::nullopt;
  return (*b)[0];
}

std::optional<std::uint16_t> NdrReader::u16(std::string_view what) {
  const auto b = bytes(2, what);
  if (!b) return std::nullopt;
  return static_cast<std::uint16_t>((*b)[0] | ((*b)[1] << 8));
}

std::optional<std::uint32_t> NdrReader::u32(std::string_view what) {
  const auto b = bytes(4, what);
  if (!b) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = 4; i > 0; --i) v = (v << 8) | (*b)[i - 1];
  return v;
}

std::optional<std::uint64_t> NdrReader::u64(std::string_view what) {
  const auto b = bytes(8, what);
  if (!b) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 8; i > 0; --i) v = (v << 8) | (*b)[i - 1];
  return v;
}

bool NdrReader::align(std::size_t n, std::string_view what) {
  if (failed_) return false;
  const std::size_t pad = (n - pos_ % n) % n;
  if (pad == 0) return true;
  return skip(pad, with_what(what, "alignment padding"));
}

NdrReader NdrReader::sub(std::size_t rel_offset, std::size_t len, std::string_view what) {
  if (!failed_ && (rel_offset > data_.size() || len > data_.size() - rel_offset)) {
    fail(base_ + (rel_offset > data_.size() ? pos_ : rel_offset),
         with_what(what, "offset " + std::to_string(rel_offset) + " and length " + std::to_string(len) +
                             " lie outside the " + std::to_string(data_.size()) + "-byte buffer"));
  }
  if (failed_) {
    NdrReader dead(Bytes{}, base_ + pos_, *diag_);
    dead.failed_ = true;
    return dead;
  }
  return NdrReader(data_.subspan(rel_offset, len), base_ + rel_offset, *diag_);
}

std::optional<std::uint32_t> NdrReader::pointer(std::string_view what) {
  if (!align(4, what)) return std::nullopt;
  return u32(what);
}

std::optional<std::uint32_t> NdrReader::conformance(std::size_t element_size, std::uint32_t limit,
                                                    std::string_view what) {
  if (!align(4, what)) return std::nullopt;
  const std::size_t at = offset();
  const auto count = u32(what);
  if (!count) return std::nullopt;
  if (*count > limit) {
    fail(at, with_what(what, "count " + std::to_string(*count) + " exceeds the limit of " + std::to_string(limit)));
    return std::nullopt;
  }
  if (element_size > 0 && *count > remaining() / element_size) {
    fail(at, with_what(what, "count " + std::to_string(*count) + " of " + std::to_string(element_size) +
                                 "-byte elements does not fit in the " + std::to_string(remaining()) + " bytes left"));
    return std::nullopt;
  }
  return count;
}

namespace {
std::optional<std::string> read_sid_body(NdrReader& r, std::string_view what, std::optional<std::uint32_t> conformant) {
  const std::size_t at = r.offset();
  const auto revision = r.u8(what);
  const auto count = r.u8(what);
  const auto authority = r.bytes(6, what);
  if (!revision || !count || !authority) return std::nullopt;
  if (*revision != 1) {
    r.fail(at, with_what(what, "SID revision " + std::to_string(*revision) + " (expected 1)"));
    return std::nullopt;
  }
  if (*count > kMaxSubAuthorities) {
    r.fail(at + 1, with_what(what, "SID has " + std::to_string(*count) + " sub-authorities (at most 15)"));
    return std::nullopt;
  }
  if (conformant && *conformant != *count) {
    r.fail(at + 1, with_what(what, "SID sub-authority count " + std::to_string(*count) +
                                       " differs from its NDR conformance " + std::to_string(*conformant)));
    return std::nullopt;
  }
  // MS-DTYP §2.4.2.1: the authority is a 48-bit big-endian number, written in decimal
  // when below 2^32 and in hex otherwise.
  std::uint64_t ia = 0;
  for (const auto b : *authority) ia = (ia << 8) | b;
  std::string s = "S-1-";
  if (ia < (std::uint64_t{1} << 32)) {
    s += std::to_string(ia);
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    s += "0x";
    for (const auto b : *authority) s += kHex[b >> 4], s += kHex[b & 15];
  }
  for (std::uint8_t i = 0; i < *count; ++i) {
    const auto sub = r.u32(what);
    if (!sub) return std::nullopt;
    s += '-';
    s += std::to_string(*sub);
  }
  return s;
}
}  // namespace

std::optional<std::string> read_binary_sid(NdrReader& r, std::string_view what) {
  return read_sid_body(r, what, std::nullopt);
}

std::optional<std::string> read_ndr_sid(NdrReader& r, std::string_view what) {
  // The conformant array (SubAuthority) hoists its count ahead of the structure
  // (MS-RPCE §2.2.5.3.4.1, conformant structures).
  const auto conformant = r.conformance(4, kMaxSubAuthorities, what);
  if (!conformant) return std::nullopt;
  return read_sid_body(r, what, conformant);
}

std::optional<NdrUnicodeHeader> read_unicode_header(NdrReader& r, std::string_view what) {
  if (!r.align(4, what)) return std::nullopt;
  NdrUnicodeHeader h;
  h.offset = r.offset();
  const auto length = r.u16(what);
  const auto max_length = r.u16(what);
  const auto referent = r.pointer(what);
  if (!length || !max_length || !referent) return std::nullopt;
  h.length = *length;
  h.max_length = *max_length;
  h.referent = *referent;
  if (h.length > h.max_length || h.length % 2 != 0) {
    r.fail(h.offset, with_what(what, "Length " + std::to_string(h.length) + " and MaximumLength " +
                                         std::to_string(h.max_length) + " are inconsistent"));
    return std::nullopt;
  }
  return h;
}

std::optional<std::string> read_unicode_body(NdrReader& r, const NdrUnicodeHeader& h, std::string_view what) {
  if (h.referent == 0) return std::string();
  // MS-DTYP §2.3.10: [size_is(MaximumLength/2), length_is(Length/2)] WCHAR* Buffer, a
  // conformant varying array: MaxCount, Offset, ActualCount, then the characters.
  const auto max_count = r.conformance(0, 0xffff, what);
  const std::size_t at = r.offset();
  const auto first = r.u32(what);
  const auto actual = r.u32(what);
  if (!max_count || !first || !actual) return std::nullopt;
  if (*first != 0 || *actual > *max_count || *actual != h.length / 2u) {
    r.fail(at, with_what(what, "array offset " + std::to_string(*first) + ", count " + std::to_string(*actual) +
                                   " and maximum " + std::to_string(*max_count) + " do not match Length " +
                                   std::to_string(h.length)));
    return std::nullopt;
  }
  const auto chars = r.bytes(std::size_t{*actual} * 2, what);
  if (!chars) return std::nullopt;
  return utf16le_to_utf8(*chars);
}

}  // namespace authctx::decode
