// What a TLS connection looked like, for the document: protocol version, cipher, the name
// sent as SNI, whether the certificate chain and name were verified, and the facts of the
// server's certificate (certificate.hpp), which carry the RFC 5929 channel-binding hash.
#pragma once
#include <string>

#include "http/certificate.hpp"

namespace authctx::http {

struct TlsSession {
  std::string version;           // "TLSv1.3"
  std::string cipher;            // "TLS_AES_256_GCM_SHA384"
  std::string server_name;       // SNI sent (empty for an IP literal, RFC 6066 §3)
  bool verified = false;         // chain and host name checked (false with --insecure)
  CertificateFacts certificate;  // the server's leaf certificate
};

}  // namespace authctx::http
