// MS-PAC decoding (src/decode/pac.hpp) on real PACs — MIT krb5 1.20's minimal PAC and the
// PACs of a Samba 4.17 AD DC for alice (a service ticket's and a TGT's), captured as
// tests/data/tokens/README.md says — asserting the values the realm had: alice's RID 1102,
// her groups 513 (Domain Users) and 1103 (PacTesters), the domain SID samba-tool reported,
// the UPN. Then the NDR reader's bounds on synthetic input, and the buffers no lab here
// produces (S4U delegation info, credentials info) from hand-built NDR.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "decode/ndr_reader.hpp"
#include "decode/pac.hpp"
#include "decode_fixtures.hpp"

using authctx::decode::decode_pac;
using authctx::decode::decode_pac_buffer;
using authctx::decode::Diagnostics;
using authctx::decode::has_diagnostics;
using authctx::decode::NdrReader;
using authctx::decode::Value;

namespace {
constexpr const char* kDomainSid = "S-1-5-21-2724309713-1845307091-1617779520";

// The decoded node of the first buffer of the given type name.
const Value& buffer(const Value& pac, const std::string& name) {
  for (const auto& b : pac["buffers"].items()) {
    if (b["buffer_type"]["name"].as_string() == name) return b["decoded"];
  }
  static const Value none;
  FAIL("no " << name << " buffer");
  return none;
}

// Little-endian NDR writer for hand-built buffers.
struct Ndr {
  std::vector<std::uint8_t> b;
  void u16(std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void align4() {
    while (b.size() % 4) b.push_back(0);
  }
  void header() {  // MS-RPCE §2.2.6 type serialisation v1, object length patched later
    for (const int x : {0x01, 0x10, 0x08, 0x00, 0xcc, 0xcc, 0xcc, 0xcc}) b.push_back(static_cast<std::uint8_t>(x));
    u32(0), u32(0);
  }
  void finish() {
    const auto n = static_cast<std::uint32_t>(b.size() - 16);
    for (std::size_t i = 0; i < 4; ++i) b[8 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  }
  void unicode_header(const std::string& s, std::uint32_t referent) {
    u16(static_cast<std::uint16_t>(s.size() * 2)), u16(static_cast<std::uint16_t>(s.size() * 2)), u32(referent);
  }
  void unicode_body(const std::string& s) {
    align4();
    u32(static_cast<std::uint32_t>(s.size())), u32(0), u32(static_cast<std::uint32_t>(s.size()));
    for (const char c : s) u16(static_cast<std::uint8_t>(c));
  }
};
}  // namespace

TEST_CASE("pac: MIT krb5 1.20's minimal PAC holds client info and three signatures", "[decode][pac]") {
  const auto pac = authctx::test::decode_fixture("pac_mit_minimal");
  CHECK_FALSE(has_diagnostics(pac));
  CHECK(pac["type"].as_string() == "mspac.pac");
  CHECK(pac["buffer_count"].as_uint() == 4);
  const auto& client = buffer(pac, "client_info");
  CHECK(client["name"].as_string() == "alice");
  CHECK(client["auth_time"].as_string() == "2026-11-26T13:50:21Z");
  for (const char* sig : {"server_checksum", "privsvr_checksum", "ticket_checksum"}) {
    INFO(sig);
    const auto& s = buffer(pac, sig);
    CHECK(s["type"].as_string() == "mspac.signature");
    CHECK(s["signature_type"]["id"].as_int() == 16);
    CHECK(s["signature_type"]["name"].as_string() == "hmac-sha1-96-aes256");
    CHECK(s["signature_length"].as_uint() == 12);
    CHECK(s["signature"].as_string().size() == 24);
  }
  CHECK(buffer(pac, "server_checksum")["signature"].as_string() == "f09eda38dbf51cfeadd1e86c");
}

TEST_CASE("pac: the Samba AD DC's logon info names alice her RID her groups and the domain SID",
          "[decode][pac]") {
  const auto pac = authctx::test::decode_fixture("pac_samba_alice");
  CHECK_FALSE(has_diagnostics(pac));
  CHECK(pac["buffer_count"].as_uint() == 7);
  const auto& li = buffer(pac, "logon_info");
  CHECK(li["type"].as_string() == "mspac.logon_info");
  CHECK(li["effective_name"].as_string() == "alice");
  CHECK(li["full_name"].as_string().empty());
  CHECK(li["user_id"].as_uint() == 1102);
  CHECK(li["primary_group_id"].as_uint() == 513);
  CHECK(li["logon_domain_id"].as_string() == kDomainSid);
  CHECK(li["user_sid"].as_string() == std::string(kDomainSid) + "-1102");
  CHECK(li["logon_domain_name"].as_string() == "AUTHCTX");
  CHECK(li["logon_server"].as_string() == "DC1");
  CHECK(li["logon_time"].is_null());
  CHECK(li["logoff_time"].as_string() == "never");
  CHECK(li["kickoff_time"].as_string() == "never");
  CHECK(li["password_last_set"].as_string() == "2026-11-26T13:42:20Z");
  CHECK(li["password_must_change"].as_string() == "2027-01-07T13:42:20Z");  // 42 days, Samba's default

  REQUIRE(li["group_count"].as_uint() == 2);
  REQUIRE(li["groups"].size() == 2);
  CHECK(li["groups"][0]["rid"].as_uint() == 513);
  CHECK(li["groups"][0]["name"].as_string() == "Domain Users");
  CHECK(li["groups"][0]["sid"].as_string() == std::string(kDomainSid) + "-513");
  CHECK(li["groups"][1]["rid"].as_uint() == 1103);  // PacTesters
  CHECK_FALSE(li["groups"][1].contains("name"));
  for (const auto& g : li["groups"].items()) {
    CHECK(g["attributes"]["value"].as_uint() == 7);
    CHECK(g["attributes"]["names"][0].as_string() == "SE_GROUP_MANDATORY");
    CHECK(g["attributes"]["names"][2].as_string() == "SE_GROUP_ENABLED");
  }
  CHECK(li["user_flags"]["names"][0].as_string() == "LOGON_EXTRA_SIDS");
  CHECK(li["user_account_control"]["value"].as_uint() == 0x10);
  CHECK(li["user_account_control"]["names"][0].as_string() == "USER_NORMAL_ACCOUNT");
  REQUIRE(li["extra_sids"].size() == 1);
  CHECK(li["extra_sids"][0]["sid"].as_string() == "S-1-18-1");
  CHECK(li["extra_sids"][0]["name"].as_string() == "Authentication Authority Asserted Identity");
  CHECK(li["resource_group_domain_sid"].is_null());
  CHECK(li["resource_groups"].size() == 0);

  const auto& upn = buffer(pac, "upn_dns_info");
  CHECK(upn["upn"].as_string() == "alice@ad.authctx.test");
  CHECK(upn["dns_domain_name"].as_string() == "AD.AUTHCTX.TEST");
  CHECK(upn["flags"]["names"][0].as_string() == "has_sam_name_and_sid");
  CHECK(upn["sam_name"].as_string() == "alice");
  CHECK(upn["sid"].as_string() == std::string(kDomainSid) + "-1102");

  // The service ticket's key is RC4 (no msDS-SupportedEncryptionTypes): an HMAC-MD5 server
  // signature; the KDC's own signatures use its AES key.
  CHECK(buffer(pac, "server_checksum")["signature_type"]["id"].as_int() == -138);
  CHECK(buffer(pac, "server_checksum")["signature_length"].as_uint() == 16);
  CHECK(buffer(pac, "privsvr_checksum")["signature_type"]["id"].as_int() == 16);
  CHECK(buffer(pac, "full_checksum")["signature_length"].as_uint() == 12);
}

TEST_CASE("pac: a Samba TGT's PAC carries attributes info and the requestor SID", "[decode][pac]") {
  const auto pac = authctx::test::decode_fixture("pac_samba_tgt");
  CHECK_FALSE(has_diagnostics(pac));
  const auto& attrs = buffer(pac, "attributes_info");
  CHECK(attrs["flags_length"].as_uint() == 2);
  CHECK(attrs["flags"]["value"].as_uint() == 2);
  CHECK(attrs["flags"]["names"][0].as_string() == "PAC_WAS_GIVEN_IMPLICITLY");
  CHECK(buffer(pac, "requestor")["sid"].as_string() == std::string(kDomainSid) + "-1102");
  CHECK(buffer(pac, "logon_info")["user_id"].as_uint() == 1102);
}

TEST_CASE("pac: one buffer decodes alone by type as an acceptor's name attribute holds it", "[decode][pac]") {
  // urn:mspac:client-info from the MIT lab.
  const auto bytes = authctx::test::hex("800c0a14ad7ddd010a0061006c00690063006500");
  const auto v = decode_pac_buffer(10, bytes);
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "mspac.client_info");
  CHECK(v["buffer_type"]["name"].as_string() == "client_info");
  CHECK(v["name"].as_string() == "alice");
  CHECK(authctx::decode::pac_buffer_type_for_attribute("urn:mspac:logon-info") == 1u);
  CHECK(authctx::decode::pac_buffer_type_for_attribute("urn:mspac:upn-dns-info") == 12u);
  CHECK(authctx::decode::pac_buffer_type_for_attribute("urn:mspac:server-checksum") == 6u);
  CHECK(authctx::decode::pac_buffer_type_for_attribute("urn:mspac:19") == 19u);
  CHECK_FALSE(authctx::decode::pac_buffer_type_for_attribute("urn:mspac:").has_value());
  CHECK_FALSE(authctx::decode::pac_buffer_type_for_attribute("urn:other:1").has_value());
  const auto unknown = decode_pac_buffer(99, bytes);
  CHECK(unknown["type"].as_string() == "mspac.unknown_buffer");
  CHECK(unknown["length"].as_uint() == bytes.size());
}

TEST_CASE("pac: S4U delegation info lists the proxy target and the transited services", "[decode][pac]") {
  Ndr n;
  n.header();
  n.u32(0x00020000);  // top-level pointer
  n.unicode_header("HTTP/back.example.com", 0x00020004);
  n.u32(2);  // TransitedListSize
  n.u32(0x00020008);
  n.unicode_body("HTTP/back.example.com");
  n.align4();
  n.u32(2);  // conformance
  n.unicode_header("HTTP/front@EXAMPLE.COM", 0x0002000c);
  n.unicode_header("host/mid@EXAMPLE.COM", 0x00020010);
  n.unicode_body("HTTP/front@EXAMPLE.COM");
  n.unicode_body("host/mid@EXAMPLE.COM");
  n.align4();
  n.finish();
  const auto v = decode_pac_buffer(11, n.b);
  INFO(authctx::decode::to_debug_json(v));
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "mspac.delegation_info");
  CHECK(v["s4u2proxy_target"].as_string() == "HTTP/back.example.com");
  CHECK(v["transited_list_size"].as_uint() == 2);
  REQUIRE(v["s4u_transited_services"].size() == 2);
  CHECK(v["s4u_transited_services"][1].as_string() == "host/mid@EXAMPLE.COM");

  SECTION("a transited count that disagrees with the array is reported at the array") {
    auto bad = n.b;
    bad[16 + 4 + 8] = 3;  // TransitedListSize 3, array of 2
    const auto w = decode_pac_buffer(11, bad);
    REQUIRE(has_diagnostics(w));
    CHECK(w["diagnostics"][0]["message"].as_string().find("TransitedListSize says 3") != std::string::npos);
  }
}

TEST_CASE("pac: credentials info is redacted unless secrets are shown", "[decode][pac]") {
  Ndr n;
  n.u32(0);   // Version
  n.u32(18);  // EncryptionType
  for (int i = 0; i < 40; ++i) n.b.push_back(static_cast<std::uint8_t>(i));
  const auto hidden = decode_pac_buffer(2, n.b);
  CHECK(hidden["encryption_type"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
  CHECK(hidden["serialized_data"]["length"].as_uint() == 40);
  CHECK(hidden["serialized_data"]["redacted"].as_bool());
  CHECK_FALSE(hidden["serialized_data"].contains("hex"));
  authctx::decode::Options show;
  show.show_secrets = true;
  const auto shown = decode_pac_buffer(2, n.b, show);
  CHECK(shown["serialized_data"]["hex"].as_string().substr(0, 8) == "00010203");
}

TEST_CASE("ndr: reads are bounded and the first error sticks with its offset", "[decode][ndr]") {
  const std::vector<std::uint8_t> data = {1, 0, 0, 0, 2, 0};
  Diagnostics diag;
  NdrReader r(data, 100, diag);
  CHECK(r.u32("a") == 1u);
  CHECK_FALSE(r.u32("b").has_value());  // 2 bytes left
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.u16("c").has_value());  // sticky: even though 2 bytes remain
  REQUIRE(diag.items().size() == 1);
  CHECK(diag.items()[0].offset == 104);
  CHECK(diag.items()[0].message == "b: needs 4 bytes, 2 left");
}

TEST_CASE("ndr: conformance counts that cannot fit are refused before any allocation", "[decode][ndr]") {
  std::vector<std::uint8_t> data = {0xff, 0xff, 0xff, 0x7f};
  data.resize(64);
  Diagnostics diag;
  NdrReader r(data, 0, diag);
  CHECK_FALSE(r.conformance(8, 1u << 16, "GroupIds").has_value());
  REQUIRE(diag.items().size() == 1);
  CHECK(diag.items()[0].offset == 0);
  CHECK(diag.items()[0].message.find("exceeds the limit") != std::string::npos);

  Diagnostics diag2;
  std::vector<std::uint8_t> small = {9, 0, 0, 0, 0, 0, 0, 0};
  NdrReader r2(small, 0, diag2);
  CHECK_FALSE(r2.conformance(8, 100, "GroupIds").has_value());
  CHECK(diag2.items()[0].message.find("does not fit in the 4 bytes left") != std::string::npos);
}

TEST_CASE("ndr: alignment counts from the window start and sub-readers stay in bounds", "[decode][ndr]") {
  const std::vector<std::uint8_t> data = {7, 0xaa, 0xbb, 0xcc, 5, 0, 0, 0};
  Diagnostics diag;
  NdrReader r(data, 0, diag);
  CHECK(r.u8("x") == 7);
  CHECK(r.align(4, "y"));
  CHECK(r.u32("y") == 5u);
  NdrReader bad = r.sub(6, 4, "field");
  CHECK_FALSE(bad.ok());
  CHECK_FALSE(r.ok());
  REQUIRE(diag.items().size() == 1);
  CHECK(diag.items()[0].offset == 6);
  CHECK(diag.items()[0].message.find("lie outside the 8-byte buffer") != std::string::npos);
}

TEST_CASE("ndr: SIDs in binary and NDR form become S-1-... strings", "[decode][ndr]") {
  SECTION("a domain SID with a RID") {
    const auto bytes = authctx::test::hex("010500000000000515000000d1aa61a2d326fd6d405b6d604e040000");
    Diagnostics diag;
    NdrReader r(bytes, 0, diag);
    CHECK(authctx::decode::read_binary_sid(r, "sid") == std::string(kDomainSid) + "-1102");
    CHECK(diag.empty());
  }
  SECTION("NDR form: the conformant count must agree with SubAuthorityCount") {
    const auto good = authctx::test::hex("01000000" "0101000000000005" "0b000000");
    Diagnostics diag;
    NdrReader r(good, 0, diag);
    CHECK(authctx::decode::read_ndr_sid(r, "sid") == "S-1-5-11");
    const auto bad = authctx::test::hex("02000000" "0101000000000005" "0b000000");
    Diagnostics diag2;
    NdrReader r2(bad, 0, diag2);
    CHECK_FALSE(authctx::decode::read_ndr_sid(r2, "sid").has_value());
    CHECK(diag2.items()[0].message.find("differs from its NDR conformance 2") != std::string::npos);
  }
  SECTION("more than 15 sub-authorities is refused") {
    const auto bytes = authctx::test::hex("0110000000000005");
    Diagnostics diag;
    NdrReader r(bytes, 0, diag);
    CHECK_FALSE(authctx::decode::read_binary_sid(r, "sid").has_value());
    CHECK(diag.items()[0].message.find("16 sub-authorities") != std::string::npos);
  }
  SECTION("a 48-bit authority is written in hex") {
    const auto bytes = authctx::test::hex("0100123456789abc");
    Diagnostics diag;
    NdrReader r(bytes, 0, diag);
    CHECK(authctx::decode::read_binary_sid(r, "sid") == "S-1-0x123456789ABC");
  }
}
