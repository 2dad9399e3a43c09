// Bounded DER reading (X.690 §8.1: identifier, length, contents; §10.1: definite lengths
// only). See der_reader.hpp for the contract.
#include "decode/der_reader.hpp"

namespace authctx::decode {

namespace {
constexpr std::size_t kMaxLengthOctets = 4;  // values over 4 GiB cannot fit any real token
constexpr std::size_t kMaxTagOctets = 4;     // high tag numbers up to 2^28

std::string with_what(std::string_view what, std::string_view problem) {
  std::string s(what);
  s += ": ";
  s += problem;
  return s;
}
}  // namespace

bool DerReader::parse_header(std::size_t at, Tlv& out, std::string* problem) const {
  const std::size_t n = data_.size();
  if (at >= n) {
    if (problem) *problem = "unexpected end of data";
    return false;
  }
  std::size_t p = at;
  const std::uint8_t id = data_[p++];
  out.cls = static_cast<TagClass>(id >> 6);
  out.constructed = (id & 0x20) != 0;
  std::uint32_t tag = id & 0x1fu;
  if (tag == 0x1f) {
    // X.690 §8.1.2.4: high tag number form, base 128, no leading 0x80 octet.
    tag = 0;
    std::size_t count = 0;
    for (;;) {
      if (p >= n) {
        if (problem) *problem = "truncated tag";
        return false;
      }
      const std::uint8_t b = data_[p++];
      if (count == 0 && b == 0x80) {
        if (problem) *problem = "non-minimal tag encoding";
        return false;
      }
      if (++count > kMaxTagOctets) {
        if (problem) *problem = "tag number too large";
        return false;
      }
      tag = (tag << 7) | (b & 0x7fu);
      if ((b & 0x80) == 0) break;
    }
  }
  out.tag = tag;
  if (p >= n) {
    if (problem) *problem = "truncated length";
    return false;
  }
  const std::uint8_t l0 = data_[p++];
  std::size_t len = 0;
  if (l0 < 0x80) {
    len = l0;
  } else if (l0 == 0x80) {
    // X.690 §10.1: DER forbids the indefinite form.
    if (problem) *problem = "indefinite length is not DER";
    return false;
  } else {
    const std::size_t count = l0 & 0x7fu;
    if (count > kMaxLengthOctets) {
      if (problem) *problem = "length uses " + std::to_string(count) + " octets";
      return false;
    }
    if (n - p < count) {
      if (problem) *problem = "truncated length";
      return false;
    }
    for (std::size_t i = 0; i < count; ++i) len = (len << 8) | data_[p++];
  }
  if (len > n - p) {
    if (problem) {
      *problem = "length " + std::to_string(len) + " exceeds the " + std::to_string(n - p) + " bytes available";
    }
    return false;
  }
  out.offset = base_ + at;
  out.contents_offset = base_ + p;
  out.contents = data_.subspan(p, len);
  return true;
}

std::optional<Tlv> DerReader::peek() const {
  if (failed_) return std::nullopt;
  Tlv t;
  if (!parse_header(pos_, t, nullptr)) return std::nullopt;
  return t;
}

bool DerReader::next_is(TagClass cls, std::uint32_t tag) const {
  const auto t = peek();
  return t && t->is(cls, tag);
}

bool DerReader::read(Tlv& out, std::string_view what) {
  if (failed_) return false;
  std::string problem;
  if (!parse_header(pos_, out, &problem)) {
    fail(offset(), with_what(what, problem));
    return false;
  }
  pos_ = out.end() - base_;
  return true;
}

bool DerReader::expect(TagClass cls, std::uint32_t tag, Tlv& out, std::string_view what) {
  if (failed_) return false;
  const std::size_t at = offset();
  Tlv t;
  if (!read(t, what)) return false;
  if (!t.is(cls, tag)) {
    static constexpr const char* kClass[] = {"UNIVERSAL", "APPLICATION", "", "PRIVATE"};
    std::string expected = std::string(kClass[static_cast<int>(cls)]);
    if (!expected.empty()) expected += ' ';
    expected += "[" + std::to_string(tag) + "]";
    std::string got = std::string(kClass[static_cast<int>(t.cls)]);
    if (!got.empty()) got += ' ';
    got += "[" + std::to_string(t.tag) + "]";
    fail(at, with_what(what, "expected tag " + expected + ", found " + got));
    return false;
  }
  out = t;
  return true;
}

bool DerReader::field(std::uint32_t n, DerReader& inner, std::string_view what, bool required) {
  if (failed_) return false;
  const auto t = peek();
  if (t && t->cls == TagClass::context && t->tag == n) {
    Tlv tlv;
    read(tlv, what);
    if (!tlv.constructed) {
      fail(tlv.offset, with_what(what, "explicit tag [" + std::to_string(n) + "] is not constructed"));
      return false;
    }
    inner = sub(tlv);
    return true;
  }
  if (required) {
    if (!t && remaining() > 0) {
      // Let read() describe the malformed header.
      Tlv bad;
      read(bad, what);
    } else {
      fail(offset(), with_what(what, "[" + std::to_string(n) + "] missing"));
    }
  }
  return false;
}

void DerReader::fail(std::size_t abs_offset, std::string message) {
  if (failed_) return;
  failed_ = true;
  diag_->add(abs_offset, std::move(message));
}

void DerReader::expect_end(std::string_view what) {
  if (failed_ || pos_ >= data_.size()) return;
  fail(offset(), with_what(what, std::to_string(data_.size() - pos_) + " unexpected trailing bytes"));
}

std::optional<std::int64_t> der_read_integer(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.expect(TagClass::universal, der_tag::integer, t, what)) return std::nullopt;
  // X.690 §8.3: two's complement, big-endian, at least one octet.
  if (t.contents.empty() || t.contents.size() > 8) {
    r.fail(t.offset, with_what(what, t.contents.empty() ? "empty INTEGER" : "INTEGER wider than 64 bits"));
    return std::nullopt;
  }
  std::uint64_t v = (t.contents[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (const auto b : t.contents) v = (v << 8) | b;
  return static_cast<std::int64_t>(v);
}

std::optional<std::string> der_read_string(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.read(t, what)) return std::nullopt;
  // UTF8String (12) and the restricted character string types (18..30, X.680 §41).
  const bool stringy = t.cls == TagClass::universal && !t.constructed &&
                       (t.tag == der_tag::utf8_string || (t.tag >= 18 && t.tag <= 30));
  if (!stringy) {
    r.fail(t.offset, with_what(what, "expected a character string, found tag " + std::to_string(t.tag)));
    return std::nullopt;
  }
  return std::string(t.contents.begin(), t.contents.end());
}

std::optional<Tlv> der_read_octets(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.expect(TagClass::universal, der_tag::octet_string, t, what)) return std::nullopt;
  return t;
}

std::optional<std::string> oid_to_string(Bytes c) {
  if (c.empty() || c.size() > 64) return std::nullopt;
  std::string out;
  std::uint64_t arc = 0;
  bool first = true;
  std::size_t arc_octets = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (arc_octets == 0 && c[i] == 0x80) return std::nullopt;  // X.690 §8.19.2: minimal
    if (++arc_octets > 9) return std::nullopt;
    arc = (arc << 7) | (c[i] & 0x7fu);
    if (c[i] & 0x80) continue;
    if (first) {
      // X.690 §8.19.4: the first subidentifier packs the first two arcs.
      const std::uint64_t top = arc < 40 ? 0 : (arc < 80 ? 1 : 2);
      out = std::to_string(top) + "." + std::to_string(arc - top * 40);
      first = false;
    } else {
      out += "." + std::to_string(arc);
    }
    arc = 0;
    arc_octets = 0;
  }
  if (arc_octets != 0) return std::nullopt;  // last subidentifier unterminated
  return out;
}

std::optional<std::string> der_read_oid(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.expect(TagClass::universal, der_tag::oid, t, what)) return std::nullopt;
  auto s = oid_to_string(t.contents);
  if (!s) r.fail(t.offset, with_what(what, "malformed OBJECT IDENTIFIER"));
  return s;
}

std::optional<std::string> der_read_time(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.expect(TagClass::universal, der_tag::generalized_time, t, what)) return std::nullopt;
  const auto& c = t.contents;
  // RFC 4120 §5.2.3: KerberosTime is always "YYYYMMDDHHMMSSZ", UTC, no fractions.
  bool good = c.size() == 15 && c[14] == 'Z';
  for (std::size_t i = 0; good && i < 14; ++i) good = c[i] >= '0' && c[i] <= '9';
  if (!good) {
    r.fail(t.offset, with_what(what, "KerberosTime is not YYYYMMDDHHMMSSZ"));
    return std::nullopt;
  }
  const auto d = [&](std::size_t i) { return static_cast<char>(c[i]); };
  std::string s;
  s.reserve(20);
  for (std::size_t i = 0; i < 4; ++i) s += d(i);
  s += '-';
  s += d(4), s += d(5), s += '-', s += d(6), s += d(7), s += 'T';
  s += d(8), s += d(9), s += ':', s += d(10), s += d(11), s += ':', s += d(12), s += d(13), s += 'Z';
  return s;
}

std::optional<std::uint32_t> der_read_flags32(DerReader& r, std::string_view what) {
  Tlv t;
  if (!r.expect(TagClass::universal, der_tag::bit_string, t, what)) return std::nullopt;
  // X.690 §8.6.2: first octet counts the unused bits of the last octet.
  if (t.contents.empty() || t.contents[0] > 7) {
    r.fail(t.offset, with_what(what, "malformed BIT STRING"));
    return std::nullopt;
  }
  std::uint32_t v = 0;
  for (std::size_t i = 1; i <= 4; ++i) {
    v <<= 8;
    if (i < t.contents.size()) v |= t.contents[i];
  }
  return v;
}

}  // namespace authctx::decode
