// Certificate facts and the RFC 5929 tls-server-end-point hash (src/http/certificate.hpp),
// checked against the openssl command on certificates the test makes: the hash must equal
// `openssl x509 -fingerprint -<hash>` with the certificate's own signature hash, SHA-256 for
// SHA-1 (and MD5) signatures and for signatures without a single hash (Ed25519).
#include <catch2/catch.hpp>

#include "http/certificate.hpp"
#include "support/pki.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/timefmt.hpp"

using namespace authctx;
using authctx::test::CertSpec;
using authctx::test::KeyType;

namespace {
void require_openssl() {
  if (!util::find_program("openssl") || !util::find_program("faketime")) {
    WARN("openssl or faketime not installed: skipping");
    std::exit(77);
  }
}
}  // namespace

TEST_CASE("http certificate: subject issuer names and validity of a CA-issued certificate", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  const auto leaf = pki.issue("leaf");
  const auto f = http::read_certificate_file(leaf.cert);
  CHECK(f.subject == "CN=localhost,O=authctx test");
  CHECK(f.issuer == "CN=authctx test CA,O=authctx test");
  CHECK_FALSE(f.self_signed);
  CHECK(f.dns_names == std::vector<std::string>{"localhost"});
  CHECK(f.ip_addresses == std::vector<std::string>{"127.0.0.1", "0:0:0:0:0:0:0:1"});
  CHECK(f.signature_algorithm == "sha256WithRSAEncryption");
  CHECK(f.signature_hash == "sha256");
  CHECK(f.key_type == "RSA");
  CHECK(f.key_bits == 2048);
  CHECK(f.not_after_unix - f.not_before_unix == 2 * 86400);
  CHECK(f.valid_at(util::now_unix()));
  CHECK(f.sha256_fingerprint == test::openssl_fingerprint(leaf.cert, "sha256"));
  const auto ca = http::read_certificate_file(pki.ca_cert());
  CHECK(ca.self_signed);
  CHECK(ca.subject == f.issuer);
}

TEST_CASE("http certificate: the end-point hash follows the signature hash as RFC 5929 says", "[http][tls][bindings]") {
  require_openssl();
  test::Pki pki;
  struct Case {
    const char* name;
    CertSpec spec;
    const char* signature_hash;
    const char* binding_hash;
    bool note;
  };
  const std::vector<Case> cases{
      {"rsa-sha256", {.digest = "sha256"}, "sha256", "sha256", false},
      {"rsa-sha384", {.digest = "sha384"}, "sha384", "sha384", false},
      {"rsa-sha512", {.digest = "sha512"}, "sha512", "sha512", false},
      {"rsa-sha1", {.digest = "sha1"}, "sha1", "sha256", true},
      {"ec-p384", {.key = KeyType::ec_p384, .digest = "sha384"}, "sha384", "sha384", false},
      {"ed25519-self", {.key = KeyType::ed25519, .self_signed = true}, "", "sha256", true},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto issued = pki.issue(c.name, c.spec);
    const auto f = http::read_certificate_file(issued.cert);
    CHECK(f.signature_hash == c.signature_hash);
    CHECK(f.binding_hash == c.binding_hash);
    CHECK(f.binding_note.empty() != c.note);
    // Two ways: our hash of the DER, and the openssl command's fingerprint of the PEM file.
    CHECK(util::hex_encode(f.end_point_hash) == test::openssl_fingerprint(issued.cert, c.binding_hash));
    const auto data = f.channel_binding_data();
    REQUIRE(data.size() == 21 + f.end_point_hash.size());
    CHECK(std::string(data.begin(), data.begin() + 21) == "tls-server-end-point:");
    CHECK(std::equal(f.end_point_hash.begin(), f.end_point_hash.end(), data.begin() + 21));
    // The same facts from the DER bytes alone.
    const auto again = http::certificate_from_der(f.der);
    CHECK(again.end_point_hash == f.end_point_hash);
    CHECK(again.subject == f.subject);
  }
}

TEST_CASE("http certificate: an expired certificate says so in its dates", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  const auto old = pki.issue("old", {.expired = true});
  const auto f = http::read_certificate_file(old.cert);
  // Made under faketime at 2020-01-01 00:00:00, give or take the second openssl took.
  CHECK_THAT(f.not_before, Catch::StartsWith("2020-01-01T00:00:0"));
  CHECK(f.not_after_unix - f.not_before_unix == 86400);
  CHECK_FALSE(f.valid_at(util::now_unix()));
}

TEST_CASE("http certificate: bad DER and unreadable files are errors not crashes", "[http][tls][hostile]") {
  require_openssl();
  const std::vector<std::uint8_t> junk{0x30, 0x82, 0xff, 0xff, 0x01};
  try {
    http::certificate_from_der(junk);
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK(e.error_class() == "tls_bad_certificate");
    CHECK(e.kind() == util::ErrorKind::transport);
  }
  test::Pki pki;
  auto der = http::read_certificate_file(pki.ca_cert()).der;
  der.push_back(0);  // trailing bytes after the certificate
  CHECK_THROWS_AS(http::certificate_from_der(der), util::Error);
  try {
    http::read_certificate_file("/nonexistent/cert.pem");
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK(e.kind() == util::ErrorKind::setup);
    CHECK(e.error_class() == "tls_certificate_unreadable");
  }
  try {
    http::read_certificate_file(pki.dir() + "/ca.key");  // a key, not a certificate
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("holds no PEM certificate"));
  }
}
