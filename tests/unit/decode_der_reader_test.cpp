// The bounded DER reader: errors stick, sub-readers stay inside their value, offsets are
// absolute.
#include <catch2/catch.hpp>

#include <vector>

#include "decode/der_reader.hpp"

using namespace authctx::decode;

TEST_CASE("der: a value longer than its window fails at its own offset and sticks", "[decode][der]") {
  const std::vector<std::uint8_t> data = {0x30, 0x03, 0x02, 0x05, 0x01};  // INTEGER claims 5 bytes
  Diagnostics diag;
  DerReader r(data, 100, diag);
  Tlv seq;
  REQUIRE(r.expect(TagClass::universal, der_tag::sequence, seq, "outer"));
  CHECK(seq.contents_offset == 102);
  DerReader inner = r.sub(seq);
  CHECK_FALSE(der_read_integer(inner, "n").has_value());
  CHECK_FALSE(inner.ok());
  CHECK_FALSE(der_read_integer(inner, "again").has_value());  // sticky: no second diagnostic
  REQUIRE(diag.items().size() == 1);
  CHECK(diag.items()[0].offset == 102);
  CHECK(r.ok());  // the parent is unaffected
  CHECK(r.at_end());
}

TEST_CASE("der: indefinite and over-long lengths are refused", "[decode][der]") {
  for (const auto& data : {std::vector<std::uint8_t>{0x30, 0x80, 0x00, 0x00},
                           std::vector<std::uint8_t>{0x04, 0x85, 1, 0, 0, 0, 0},
                           std::vector<std::uint8_t>{0x04, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00}}) {
    Diagnostics diag;
    DerReader r(data, 0, diag);
    Tlv t;
    CHECK_FALSE(r.read(t, "value"));
    CHECK(diag.items().size() == 1);
    CHECK(diag.items()[0].offset == 0);
  }
}

TEST_CASE("der: integers, OIDs, times and bit strings", "[decode][der]") {
  const std::vector<std::uint8_t> data = {
      0x02, 0x01, 0xff,                                                  // -1
      0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff,                          // 4294967295
      0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,                    // 1.3.6.1.5.5.2
      0x18, 0x0f, '2', '0', '2', '6', '1', '1', '2', '1', '2', '3', '4', '0', '3', '3', 'Z',
      0x03, 0x05, 0x00, 0x40, 0x81, 0x00, 0x10,                          // forwardable, renewable, canonicalize, renewable-ok
  };
  Diagnostics diag;
  DerReader r(data, 0, diag);
  CHECK(der_read_integer(r, "a") == -1);
  CHECK(der_read_integer(r, "b") == 4294967295LL);
  CHECK(der_read_oid(r, "c") == std::string("1.3.6.1.5.5.2"));
  CHECK(der_read_time(r, "d") == std::string("2026-11-21T23:40:33Z"));
  const auto bits = der_read_flags32(r, "e");
  REQUIRE(bits.has_value());
  CHECK(*bits == 0x40810010u);
  CHECK(r.at_end());
  CHECK(diag.empty());
}

TEST_CASE("der: a malformed OID or time is a diagnostic, not a crash", "[decode][der]") {
  const std::vector<std::uint8_t> data = {0x06, 0x02, 0x2b, 0x86, 0x18, 0x03, '1', '2', 'Z'};
  Diagnostics diag;
  DerReader r(data, 10, diag);
  CHECK_FALSE(der_read_oid(r, "oid").has_value());
  REQUIRE(diag.items().size() == 1);
  CHECK(diag.items()[0].offset == 10);
}
