// Internal to src/http: the OpenSSL work behind the client's and the server's TLS, kept
// apart from Boost.Asio so it compiles once. Only OpenSSL's opaque struct tags appear here
// (ssl_st is SSL, ssl_ctx_st SSL_CTX, x509_store_ctx_st X509_STORE_CTX); the types stay
// plain C++ for the rest of the build.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "http/tls.hpp"
#include "http/url.hpp"
#include "util/errors.hpp"

struct ssl_st;
struct ssl_ctx_st;
struct x509_store_ctx_st;

namespace authctx::http::detail {

// What the certificate check said, kept by the verify callback (the handshake error alone
// only says "certificate verify failed").
struct VerifyRecord {
  bool failed = false;
  int error = 0;  // X509_V_ERR_*
  int depth = 0;
  std::string error_text;
  std::string subject;  // of the certificate at the failing depth
  std::string issuer;
  std::vector<std::uint8_t> leaf_der;  // the server's certificate, whatever the outcome
};

// Trust for a client context: the system CA store, or only cacert when given (as curl's
// --cacert). Throws setup errors for an unreadable file.
void load_client_trust(ssl_ctx_st* ctx, const std::string& cacert);
// Server context: certificate chain and key files; throws setup errors naming the file.
void load_server_identity(ssl_ctx_st* ctx, const std::string& cert_file, const std::string& key_file);
// Per connection: SNI for host names (never for IP literals, RFC 6066 §3) and the name or
// address the certificate must match. Returns the SNI sent.
std::string configure_client_ssl(ssl_st* ssl, const Url& url, bool verify);
// The verify callback's body: records the first failure and the leaf; returns preverified.
bool record_verify(bool preverified, x509_store_ctx_st* ctx, VerifyRecord& record);
// A handshake failure as a util::Error: the verify record when the certificate was refused
// (subject, issuer, names, next step), else OpenSSL's reason (e.g. the peer is not TLS).
util::Error handshake_error(const VerifyRecord& record, const std::string& reason, const Url& url,
                            const std::string& cacert);
// After a handshake.
TlsSession session_of(ssl_st* ssl, bool verified, const std::string& server_name);
// The server's side of a handshake: version, cipher, the SNI the client sent (server_name)
// (the caller adds our certificate's facts, computed once).
TlsSession server_session_of(ssl_st* ssl);
// OpenSSL's queued error text, or fallback.
std::string last_ssl_error(const std::string& fallback);

}  // namespace authctx::http::detail
