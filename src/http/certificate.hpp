// Facts about an X.509 certificate, for the document and for TLS channel bindings.
//
// The RFC 5929 §4.1 `tls-server-end-point` binding is the hash of the server certificate's
// DER encoding, with the hash function of the certificate's signature algorithm, except that
// MD5 and SHA-1 are replaced by SHA-256. RFC 5929 leaves the binding undefined for
// signatures with no single hash (Ed25519, Ed448); like the common implementations, SHA-256
// is used then, and binding_note says so. channel_binding_data() is what goes in the
// application_data of the GSS-API channel bindings: "tls-server-end-point:" + hash.
//
// OpenSSL stays inside certificate.cpp; these are plain values. Parsing failures throw
// util::Error (setup for a file we were given, transport for a peer's bytes).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace authctx::http {

struct CertificateFacts {
  std::string subject;  // RFC 2253 one-line form, e.g. "CN=localhost,O=authctx test"
  std::string issuer;
  std::string serial;      // hex
  std::string not_before;  // RFC 3339 UTC
  std::string not_after;
  std::int64_t not_before_unix = 0;
  std::int64_t not_after_unix = 0;
  std::string signature_algorithm;  // OpenSSL's long name, e.g. "sha256WithRSAEncryption"
  std::string signature_hash;       // "sha256", "sha1", ... or "" when there is none (Ed25519)
  std::string key_type;             // "RSA", "EC", "ED25519", ...
  int key_bits = 0;
  std::vector<std::string> dns_names;        // subjectAltName dNSName entries
  std::vector<std::string> ip_addresses;     // subjectAltName iPAddress entries
  bool self_signed = false;                  // issuer == subject
  std::string sha256_fingerprint;            // hex of SHA-256(DER), as `openssl x509 -fingerprint -sha256`
  std::string binding_hash;                  // hash used for tls-server-end-point ("sha256", "sha384", ...)
  std::string binding_note;                  // why that hash, when it differs from signature_hash
  std::vector<std::uint8_t> end_point_hash;  // binding_hash(DER)
  std::vector<std::uint8_t> der;

  // "tls-server-end-point:" followed by end_point_hash (RFC 5929 §4.1).
  std::vector<std::uint8_t> channel_binding_data() const;
  bool valid_at(std::int64_t unix_seconds) const {
    return unix_seconds >= not_before_unix && unix_seconds <= not_after_unix;
  }
};

inline constexpr std::string_view k_end_point_prefix = "tls-server-end-point:";

CertificateFacts certificate_from_der(std::span<const std::uint8_t> der);
// The first certificate of a PEM file (a --tls-cert chain file starts with the leaf).
CertificateFacts read_certificate_file(const std::string& path);

}  // namespace authctx::http
