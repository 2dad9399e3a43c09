// Test support: certificates made by the test with the openssl command (a real peer tool),
// in a temporary folder removed with the object. A Pki holds one CA ("O=authctx test,
// CN=authctx test CA", RSA 2048, SHA-256); issue() makes a leaf signed by it, or a
// self-signed one, with the key type, signature hash, names and validity a test asks for
// (an expired certificate is made under faketime, valid for one day in 2020).
#pragma once
#include <string>
#include <vector>

#include "support/harness.hpp"

namespace authctx::test {

enum class KeyType { rsa2048, ec_p256, ec_p384, ed25519 };

struct CertSpec {
  std::string common_name = "localhost";
  std::vector<std::string> alt_names{"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  KeyType key = KeyType::rsa2048;
  std::string digest = "sha256";  // the signature's hash: sha1, sha256, sha384, sha512
  bool self_signed = false;
  bool expired = false;
};

struct IssuedCert {
  std::string cert;  // PEM
  std::string key;   // PEM, unencrypted
};

class Pki {
 public:
  Pki();  // makes the CA; fails the test if openssl is missing or fails
  const std::string& ca_cert() const { return ca_cert_; }
  const std::string& dir() const { return dir_.path; }
  IssuedCert issue(const std::string& name, const CertSpec& spec = {});

 private:
  TempDir dir_;
  std::string ca_cert_;
  std::string ca_key_;
};

// `openssl x509 -in CERT -noout -fingerprint -DIGEST` as lower-case hex without colons.
std::string openssl_fingerprint(const std::string& cert, const std::string& digest);

}  // namespace authctx::test
