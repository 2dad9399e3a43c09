// The TLS facts of a connection as the document shows them (both sides): protocol version,
// cipher, SNI, whether the certificate was verified, and the certificate: subject, issuer,
// serial, validity, signature algorithm and hash, key, names, SHA-256 fingerprint and the
// RFC 5929 end-point hash with the hash function it used (and why, when that is not the
// signature's). Bytes appear as lower-case hex.
#pragma once
#include "http/certificate.hpp"
#include "http/tls.hpp"
#include "json/json.hpp"

namespace authctx::http {

json::Json certificate_json(const CertificateFacts& cert);
json::Json tls_json(const TlsSession& session);

}  // namespace authctx::http
