// Hostile LDAP bytes: the stream probe (first octet, indefinite and oversized lengths),
// the structure walk (depth, overruns, trailing bytes) and field decoding, each refused
// with the offset of the offending octet; and sweeps over truncations and mutations of
// real encodings that must never crash or hang.
#include <catch2/catch.hpp>

#include "ldap/ber_frame.hpp"
#include "ldap/messages.hpp"
#include "unit/ldap_fixtures.hpp"

using namespace authctx::ldap;
using namespace authctx::ldap::testing;

namespace {

Diagnostic first_problem(const Bytes& b) {
  const auto d = decode_message(b);
  REQUIRE_FALSE(d.ok());
  REQUIRE_FALSE(d.diagnostics.empty());
  return d.diagnostics.front();
}

std::vector<Bytes> samples() {
  BindResponse br;
  br.result.code = 14;
  br.result.diagnostic_message = "x";
  br.server_sasl_creds = Bytes(40, 0x5a);
  SearchResultEntry e;
  e.attributes = {{"supportedSASLMechanisms", {"GSSAPI", "GSS-SPNEGO"}}, {"namingContexts", {"dc=a"}}};
  ExtendedResponse x;
  x.name = std::string(k_oid_notice_of_disconnection);
  x.value = ascii("u:alice");
  LdapResult ref;
  ref.referrals = {"ldap://a/", "ldap://b/"};
  return {encode_bind_response(1, br),
          encode_search_entry(2, e),
          encode_search_done(2, ref),
          encode_extended_response(0, x),
          encode_sasl_bind(1, "GSSAPI", Bytes(30, 1)),
          encode_search(3, root_dse_search()),
          encode_unbind(4)};
}
}  // namespace

TEST_CASE("ldap: the probe waits for the length octets before judging", "[ldap][hostile]") {
  CHECK(probe_message({}, 1000).status == MessageProbe::Status::need_more);
  const auto one = bytes_of({0x30});
  CHECK(probe_message(one, 1000).status == MessageProbe::Status::need_more);
  const auto long_form = bytes_of({0x30, 0x82, 0x01});
  const auto p = probe_message(long_form, 1000);
  CHECK(p.status == MessageProbe::Status::need_more);
  CHECK(p.need == 4);
  const auto full = bytes_of({0x30, 0x82, 0x01, 0x00});
  const auto q = probe_message(full, 1000);
  REQUIRE(q.status == MessageProbe::Status::complete);
  CHECK(q.header_length == 4);
  CHECK(q.content_length == 256);
  CHECK(q.total() == 260);
}

TEST_CASE("ldap: a reply that is not an LDAPMessage is named by its first octet", "[ldap][hostile]") {
  SECTION("HTTP") {
    const auto p = probe_message(ascii("HTTP/1.1 400 Bad Request\r\n"), 1000);
    REQUIRE(p.status == MessageProbe::Status::error);
    CHECK(p.error.offset == 0);
    CHECK(p.error.message.find("0x48") != std::string::npos);
    CHECK(p.hint.find("HTTP") != std::string::npos);
  }
  SECTION("a TLS alert") {
    const auto p = probe_message(bytes_of({0x15, 0x03, 0x03, 0x00, 0x02}), 1000);
    REQUIRE(p.status == MessageProbe::Status::error);
    CHECK(p.hint.find("ldaps://") != std::string::npos);
  }
  SECTION("an SSH banner") {
    const auto p = probe_message(ascii("SSH-2.0-OpenSSH_9.2"), 1000);
    REQUIRE(p.status == MessageProbe::Status::error);
    CHECK(p.hint.find("SSH") != std::string::npos);
  }
}

TEST_CASE("ldap: indefinite and overlong lengths are refused at offset 1", "[ldap][hostile]") {
  const auto indefinite = probe_message(bytes_of({0x30, 0x80, 0x02, 0x01}), 1000);
  REQUIRE(indefinite.status == MessageProbe::Status::error);
  CHECK(indefinite.error.offset == 1);
  CHECK(indefinite.error.message.find("indefinite") != std::string::npos);
  const auto five = probe_message(bytes_of({0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00}), 1000);
  REQUIRE(five.status == MessageProbe::Status::error);
  CHECK(five.error.offset == 1);
  CHECK(five.error.message.find("5 length octets") != std::string::npos);
}

TEST_CASE("ldap: a length over the limit is refused before anything is allocated", "[ldap][hostile]") {
  const auto p = probe_message(bytes_of({0x30, 0x84, 0x7f, 0xff, 0xff, 0xff}), 1 << 20);
  REQUIRE(p.status == MessageProbe::Status::error);
  CHECK(p.error.offset == 1);
  CHECK(p.error.message.find("2147483653 bytes") != std::string::npos);
  CHECK(p.error.message.find("limit of 1048576") != std::string::npos);
  // Exactly at the limit is accepted.
  const auto at = probe_message(bytes_of({0x30, 0x82, 0x03, 0xe4}), 1000);
  CHECK(at.status == MessageProbe::Status::complete);
  CHECK(at.total() == 1000);
}

TEST_CASE("ldap: nesting deeper than the limit is refused with the offset of the level", "[ldap][hostile]") {
  // 30 len (02 01 01 (30 len (30 len ... ))) : 20 nested empty-but-one SEQUENCEs.
  Bytes inner = bytes_of({0x04, 0x00});
  for (int i = 0; i < 20; ++i) {
    Bytes next = bytes_of({0x30, static_cast<int>(inner.size())});
    next.insert(next.end(), inner.begin(), inner.end());
    inner = next;
  }
  Bytes msg = bytes_of({0x30, static_cast<int>(inner.size() + 3), 0x02, 0x01, 0x01});
  msg.insert(msg.end(), inner.begin(), inner.end());
  const auto problem = check_structure(msg, 16);
  REQUIRE(problem);
  CHECK(problem->message.find("deeper than 16") != std::string::npos);
  CHECK(problem->offset == 5 + 2 * 15);  // the 16th nested SEQUENCE's identifier octet
  CHECK(first_problem(msg).message.find("deeper") != std::string::npos);
  CHECK_FALSE(check_structure(msg, 32));
}

TEST_CASE("ldap: an element that overruns its container is refused at its identifier", "[ldap][hostile]") {
  // BindResponse whose matchedDN claims 9 bytes with 2 left.
  const auto msg = bytes_of({0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x09, 0x41, 0x42});
  const auto p = first_problem(msg);
  CHECK(p.offset == 10);
  CHECK(p.message.find("overruns") != std::string::npos);
}

TEST_CASE("ldap: trailing bytes after the LDAPMessage are refused", "[ldap][hostile]") {
  auto msg = encode_unbind(1);
  msg.push_back(0x00);
  const auto p = first_problem(msg);
  CHECK(p.offset == 7);
  CHECK(p.message.find("1 trailing") != std::string::npos);
}

TEST_CASE("ldap: indefinite lengths inside a message are refused with their offset", "[ldap][hostile]") {
  const auto msg = bytes_of({0x30, 0x08, 0x02, 0x01, 0x01, 0x61, 0x80, 0x0a, 0x01, 0x00});
  const auto p = first_problem(msg);
  CHECK(p.offset == 6);
  CHECK(p.message.find("indefinite") != std::string::npos);
}

TEST_CASE("ldap: fields of the wrong type are named with their offset", "[ldap][hostile]") {
  SECTION("resultCode as an INTEGER instead of ENUMERATED") {
    const auto msg = bytes_of({0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00});
    const auto p = first_problem(msg);
    CHECK(p.offset == 7);
    CHECK(p.message == "resultCode: tag 0x02, expected 0x0a");
  }
  SECTION("a message ID over 32 bits") {
    const auto msg = bytes_of({0x30, 0x09, 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x42, 0x00});
    const auto d = decode_message(msg);
    REQUIRE_FALSE(d.diagnostics.empty());
    CHECK(d.diagnostics.front().offset == 2);
    CHECK(d.diagnostics.front().message.find("messageID") != std::string::npos);
    CHECK_FALSE(d.message);
  }
  SECTION("a negative message ID") {
    const auto msg = bytes_of({0x30, 0x05, 0x02, 0x01, 0xff, 0x42, 0x00});
    const auto p = first_problem(msg);
    CHECK(p.offset == 2);
    CHECK(p.message.find("negative") != std::string::npos);
  }
  SECTION("a BindResponse missing its diagnosticMessage") {
    const auto msg = bytes_of({0x30, 0x0a, 0x02, 0x01, 0x01, 0x61, 0x05, 0x0a, 0x01, 0x31, 0x04, 0x00});
    const auto p = first_problem(msg);
    CHECK(p.offset == 12);
    CHECK(p.message == "diagnosticMessage: missing (the value ends here)");
  }
}

TEST_CASE("ldap: every truncation of a real message is refused without a crash", "[ldap][hostile]") {
  for (const auto& msg : samples()) {
    for (std::size_t n = 0; n < msg.size(); ++n) {
      const Bytes cut(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
      const auto d = decode_message(cut);
      INFO("length " << n << " of " << msg.size());
      CHECK_FALSE(d.ok());
      CHECK_FALSE(d.diagnostics.empty());
    }
    CHECK(decode_message(msg).ok());
  }
}

TEST_CASE("ldap: every single-byte mutation of a real message decodes or is diagnosed", "[ldap][hostile]") {
  std::size_t diagnosed = 0;
  std::size_t total = 0;
  for (const auto& msg : samples()) {
    for (std::size_t i = 0; i < msg.size(); ++i) {
      for (const int v : {0x00, 0x80, 0xff, msg[i] ^ 0x20, msg[i] + 1}) {
        Bytes m = msg;
        m[i] = static_cast<std::uint8_t>(v);
        const auto d = decode_message(m);
        ++total;
        if (!d.ok()) {
          ++diagnosed;
          for (const auto& diag : d.diagnostics) CHECK(diag.offset <= m.size());
        }
      }
    }
  }
  CHECK(diagnosed > total / 4);
}
