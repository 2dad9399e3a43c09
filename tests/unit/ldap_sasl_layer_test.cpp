// RFC 4752 §3.1 security-layer messages and RFC 4422 §3.7 SASL buffers: exact bytes, hostile
// lengths with offsets, and the warnings for what breaks real clients.
#include <catch2/catch.hpp>

#include "ldap/sasl_layer.hpp"
#include "unit/ldap_fixtures.hpp"

using namespace authctx::ldap;
using namespace authctx::ldap::testing;

namespace {
bool has_warning(const LayerReview& r, const std::string& cls) {
  for (const auto& w : r.warnings)
    if (w.cls == cls) return true;
  return false;
}
}  // namespace

TEST_CASE("sasl layer: the server's offer decodes to layers and a 24-bit max buffer", "[ldap][sasl]") {
  const auto o = decode_layer_offer(bytes_of({0x07, 0x00, 0xff, 0xff}));
  CHECK(o.ok());
  CHECK(o.mask == 7);
  CHECK(o.max_buffer == 65535);
  CHECK(o.layers() == std::vector<std::string>{"none", "integrity", "confidentiality"});
  const auto big = decode_layer_offer(bytes_of({0x06, 0xff, 0xff, 0xff}));
  CHECK(big.max_buffer == 16777215);
  CHECK(big.layers() == std::vector<std::string>{"integrity", "confidentiality"});
  CHECK_FALSE(big.offers(SaslLayer::none));
}

TEST_CASE("sasl layer: a malformed offer is diagnosed with offsets", "[ldap][sasl]") {
  SECTION("three bytes") {
    const auto o = decode_layer_offer(bytes_of({0x07, 0x00, 0x10}));
    REQUIRE(o.diagnostics.size() == 1);
    CHECK(o.diagnostics[0].offset == 3);
    CHECK(o.diagnostics[0].message.find("3 bytes") != std::string::npos);
  }
  SECTION("empty") {
    const auto o = decode_layer_offer({});
    REQUIRE_FALSE(o.ok());
    CHECK(o.diagnostics[0].offset == 0);
  }
  SECTION("five bytes") {
    const auto o = decode_layer_offer(bytes_of({0x07, 0x00, 0x10, 0x00, 0x41}));
    REQUIRE(o.diagnostics.size() == 1);
    CHECK(o.diagnostics[0].offset == 4);
    CHECK(o.max_buffer == 4096);
  }
  SECTION("no layer bit") {
    const auto o = decode_layer_offer(bytes_of({0x00, 0x00, 0x10, 0x00}));
    REQUIRE_FALSE(o.ok());
    CHECK(o.diagnostics[0].message.find("no security layer") != std::string::npos);
  }
  SECTION("unknown bits") {
    const auto o = decode_layer_offer(bytes_of({0x0f, 0x00, 0x10, 0x00}));
    REQUIRE_FALSE(o.ok());
    CHECK(o.diagnostics[0].message.find("unknown") != std::string::npos);
    CHECK(o.offers(SaslLayer::confidentiality));
  }
}

TEST_CASE("sasl layer: the client's choice carries one bit, its max buffer and the authzid", "[ldap][sasl]") {
  const auto b = encode_layer_choice(SaslLayer::confidentiality, 65536, "u:alice");
  CHECK(b == bytes_of({0x04, 0x01, 0x00, 0x00, 'u', ':', 'a', 'l', 'i', 'c', 'e'}));
  const auto c = decode_layer_choice(b);
  CHECK(c.ok());
  CHECK(c.layer() == SaslLayer::confidentiality);
  CHECK(c.max_buffer == 65536);
  CHECK(c.authzid == "u:alice");
  CHECK(encode_layer_choice(SaslLayer::none, 0, "") == bytes_of({0x01, 0x00, 0x00, 0x00}));
  CHECK_THROWS_AS(encode_layer_choice(SaslLayer::integrity, 16777216, ""), Error);
  const auto two = decode_layer_choice(bytes_of({0x06, 0x00, 0x00, 0x00}));
  CHECK_FALSE(two.ok());
  CHECK_FALSE(two.layer());
  CHECK_FALSE(decode_layer_choice(bytes_of({0x02, 0x00})).ok());
}

TEST_CASE("sasl layer: layer names parse and print", "[ldap][sasl]") {
  CHECK(sasl_layer_from_name("integrity") == SaslLayer::integrity);
  CHECK(sasl_layer_from_name("sign") == std::nullopt);
  CHECK(sasl_layer_name(SaslLayer::confidentiality) == "confidentiality");
}

TEST_CASE("sasl layer: a zero max buffer offered with a protection layer is a warning", "[ldap][sasl]") {
  const auto offer = decode_layer_offer(bytes_of({0x07, 0x00, 0x00, 0x00}));
  const auto r = review_layer_choice(offer, SaslLayer::integrity, 65536);
  CHECK(has_warning(r, "sasl_zero_max_buffer"));
  CHECK(r.layer == SaslLayer::integrity);
  const auto none_only = decode_layer_offer(bytes_of({0x01, 0x00, 0x00, 0x00}));
  CHECK_FALSE(has_warning(review_layer_choice(none_only, SaslLayer::none, 0), "sasl_zero_max_buffer"));
}

TEST_CASE("sasl layer: a layer the server does not offer is a warning and is still sent", "[ldap][sasl]") {
  const auto offer = decode_layer_offer(bytes_of({0x03, 0x00, 0x10, 0x00}));
  const auto r = review_layer_choice(offer, SaslLayer::confidentiality, 4096);
  REQUIRE(has_warning(r, "sasl_layer_not_offered"));
  CHECK(r.warnings[0].message.find("none, integrity") != std::string::npos);
  CHECK(r.layer == SaslLayer::confidentiality);
  CHECK(r.max_buffer == 4096);
}

TEST_CASE("sasl layer: none asked of a server that requires sign or seal names the fix", "[ldap][sasl]") {
  const auto offer = decode_layer_offer(bytes_of({0x06, 0x00, 0x10, 0x00}));
  const auto r = review_layer_choice(offer, SaslLayer::none, 65536);
  REQUIRE(has_warning(r, "sasl_protection_required"));
  CHECK(r.warnings[0].hint.find("--sasl-layer integrity") != std::string::npos);
  CHECK(r.max_buffer == 0);  // RFC 4752: 0 with no security layer
}

TEST_CASE("sasl buffer: four length octets then the wrap token", "[ldap][sasl]") {
  const auto framed = frame_sasl_buffer(bytes_of({0x05, 0x04, 0x06}));
  CHECK(framed == bytes_of({0x00, 0x00, 0x00, 0x03, 0x05, 0x04, 0x06}));
  CHECK(probe_sasl_buffer(bytes_of({0x00, 0x00, 0x00}), 100).status == SaslBufferProbe::Status::need_more);
  const auto p = probe_sasl_buffer(framed, 100);
  REQUIRE(p.status == SaslBufferProbe::Status::complete);
  CHECK(p.length == 3);
}

TEST_CASE("sasl buffer: a buffer over the negotiated maximum is refused before it is read", "[ldap][sasl]") {
  const auto p = probe_sasl_buffer(bytes_of({0x00, 0x01, 0x00, 0x01}), 65536);
  REQUIRE(p.status == SaslBufferProbe::Status::error);
  CHECK(p.error.offset == 0);
  CHECK(p.error.message.find("65537 bytes") != std::string::npos);
  CHECK(p.error.message.find("maximum of 65536") != std::string::npos);
  CHECK(probe_sasl_buffer(bytes_of({0x00, 0x01, 0x00, 0x00}), 65536).status == SaslBufferProbe::Status::complete);
  CHECK(probe_sasl_buffer(bytes_of({0xff, 0xff, 0xff, 0xff}), 16777215).status == SaslBufferProbe::Status::error);
  CHECK(probe_sasl_buffer(bytes_of({0x00, 0x00, 0x00, 0x00}), 100).status == SaslBufferProbe::Status::error);
}
