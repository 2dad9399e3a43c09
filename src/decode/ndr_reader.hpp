// NdrReader: a bounded little-endian reader for the MS-PAC buffers and the NDR (DCE RPC
// Network Data Representation, C706 §14; MS-RPCE §2.2.5–2.2.6) that some of them use.
//
// It has the shape of DerReader: a reader owns a window of the input, every read is
// checked against that window, and the first error sticks (later reads on the same reader
// fail quietly and return nothing, so a decoder can read a whole structure and look once).
// Errors go once per reader into the shared Diagnostics with absolute offsets (base +
// position). sub() hands out a reader bounded to a byte range of this one (a PAC buffer,
// a UPN_DNS_INFO string), so a bad length inside one never desynchronises its parent.
//
// NDR helpers: align() skips the padding before a primitive or a structure (alignment
// counts from the start of the window, which is the start of the NDR stream); pointer()
// reads a unique pointer's referent ID (0 is NULL; the referent itself comes later, in
// the deferred part); conformance() reads an array's maximum count and refuses a count
// whose elements could not fit in what is left, so a hostile count never drives an
// allocation or a loop. Nothing here recurses or allocates except diagnostics and the
// strings the helpers return. Decoders built on it never throw (other than bad_alloc).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "decode/diagnostics.hpp"

namespace authctx::decode {

class NdrReader {
 public:
  using Bytes = std::span<const std::uint8_t>;

  NdrReader(Bytes data, std::size_t base, Diagnostics& diag) : data_(data), base_(base), diag_(&diag) {}

  bool ok() const { return !failed_; }
  bool at_end() const { return failed_ || pos_ >= data_.size(); }
  std::size_t offset() const { return base_ + pos_; }  // absolute offset of the next byte
  std::size_t position() const { return pos_; }       // relative to the window
  std::size_t size() const { return data_.size(); }
  std::size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
  Bytes window() const { return data_; }
  std::size_t base() const { return base_; }
  Diagnostics& diagnostics() const { return *diag_; }

  std::optional<std::uint8_t> u8(std::string_view what);
  std::optional<std::uint16_t> u16(std::string_view what);
  std::optional<std::uint32_t> u32(std::string_view what);
  std::optional<std::uint64_t> u64(std::string_view what);  // two 32-bit halves, low first (FILETIME)
  std::optional<Bytes> bytes(std::size_t n, std::string_view what);
  bool skip(std::size_t n, std::string_view what) { return bytes(n, what).has_value(); }

  // Skips to the next multiple of n (1, 2, 4 or 8) counted from the window's start.
  bool align(std::size_t n, std::string_view what);

  // A reader over [rel_offset, rel_offset + len) of this window, sharing the diagnostics.
  // When the range does not fit, records "<what>: ..." here and returns a failed reader.
  NdrReader sub(std::size_t rel_offset, std::size_t len, std::string_view what);

  // NDR unique pointer (MS-RPCE §2.2.5.3.3.1 referent ID, 4 bytes, 4-aligned); 0 = NULL.
  std::optional<std::uint32_t> pointer(std::string_view what);
  // Conformant array maximum count (4 bytes, 4-aligned), at most `limit` and small enough
  // for count × element_size bytes to fit in what remains.
  std::optional<std::uint32_t> conformance(std::size_t element_size, std::uint32_t limit, std::string_view what);

  // Records an error at an absolute offset (once per reader) and stops this reader.
  void fail(std::size_t abs_offset, std::string message);
  void fail_here(std::string message) { fail(offset(), std::move(message)); }

 private:
  bool need(std::size_t n, std::string_view what);

  Bytes data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
  Diagnostics* diag_;
  bool failed_ = false;
};

// The fixed-layout types MS-PAC and MS-DTYP define, read from an NdrReader.

// MS-DTYP §2.4.2.2 SID in its binary form: Revision, SubAuthorityCount (at most 15),
// IdentifierAuthority (6 bytes, big-endian), SubAuthority[] (little-endian). As text:
// "S-1-5-21-...". Used by UPN_DNS_INFO and PAC_REQUESTOR.
std::optional<std::string> read_binary_sid(NdrReader& r, std::string_view what);
// MS-DTYP §2.4.2.3 RPC_SID in NDR: the conformant SubAuthority count comes first.
std::optional<std::string> read_ndr_sid(NdrReader& r, std::string_view what);

// MS-DTYP §2.3.10 RPC_UNICODE_STRING: the inline part (Length, MaximumLength, pointer).
struct NdrUnicodeHeader {
  std::uint16_t length = 0;       // bytes
  std::uint16_t max_length = 0;   // bytes
  std::uint32_t referent = 0;     // 0: NULL buffer
  std::size_t offset = 0;         // absolute offset of the header
};
std::optional<NdrUnicodeHeader> read_unicode_header(NdrReader& r, std::string_view what);
// The deferred part: a conformant varying array of WCHAR (MaxCount, Offset, ActualCount,
// characters), checked against the header's lengths. Nothing is read for a NULL buffer.
std::optional<std::string> read_unicode_body(NdrReader& r, const NdrUnicodeHeader& header, std::string_view what);

}  // namespace authctx::decode
