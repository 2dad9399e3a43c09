#include "http/tls_support.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace authctx::http::detail {
namespace {

std::string name_of(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::vector<std::uint8_t> der_of(X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  if (len <= 0) return {};
  std::vector<std::uint8_t> out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

std::string names_text(const CertificateFacts& f) {
  std::string out;
  for (const auto& n : f.dns_names) out += (out.empty() ? "" : ", ") + std::string("DNS:") + n;
  for (const auto& n : f.ip_addresses) out += (out.empty() ? "" : ", ") + std::string("IP:") + n;
  return out.empty() ? "no subjectAltName" : out;
}
}  // namespace

std::string last_ssl_error(const std::string& fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : buf;
}

void load_client_trust(ssl_ctx_st* ctx, const std::string& cacert) {
  if (cacert.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
      throw util::setup_error("tls_ca_store", "cannot load the system CA store: " + last_ssl_error("unknown error"),
                              "install ca-certificates, or pass --cacert FILE");
    return;
  }
  if (SSL_CTX_load_verify_locations(ctx, cacert.c_str(), nullptr) != 1)
    throw util::setup_error("tls_cacert_unreadable",
                            "cannot load CA certificates from " + cacert + ": " + last_ssl_error("unreadable"),
                            "give a PEM file with the CA certificate(s)");
}

void load_server_identity(ssl_ctx_st* ctx, const std::string& cert_file, const std::string& key_file) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
    throw util::setup_error("tls_certificate_unreadable",
                            "cannot load the certificate chain " + cert_file + ": " + last_ssl_error("unreadable"),
                            "give a PEM file starting with the server certificate");
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    throw util::setup_error("tls_key_unreadable",
                            "cannot load the private key " + key_file + ": " + last_ssl_error("unreadable"),
                            "give the PEM private key of --tls-cert (unencrypted)");
  if (SSL_CTX_check_private_key(ctx) != 1)
    throw util::setup_error("tls_key_mismatch",
                            "the key " + key_file + " does not belong to the certificate " + cert_file);
}

std::string configure_client_ssl(ssl_st* ssl, const Url& url, bool verify) {
  std::string sni;
  if (url.host_kind == HostKind::name) {
    // SSL_set_tlsext_host_name without its macro's C cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str()));
    sni = url.host;
  }
  if (!verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return sni;
  }
  // OpenSSL's own RFC 6125 check: host names against dNSName (CN only without SANs), IP
  // literals against iPAddress entries. Wildcards only as the whole left-most label.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (url.host_kind == HostKind::name) {
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  }
  return sni;
}

bool record_verify(bool preverified, x509_store_ctx_st* ctx, VerifyRecord& record) {
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  if (record.leaf_der.empty()) {
    if (X509* leaf = X509_STORE_CTX_get0_cert(ctx)) record.leaf_der = der_of(leaf);
  }
  if (!preverified && !record.failed) {
    record.failed = true;
    record.error = X509_STORE_CTX_get_error(ctx);
    record.depth = depth;
    record.error_text = X509_verify_cert_error_string(record.error);
    if (X509* cert = X509_STORE_CTX_get_current_cert(ctx)) {
      record.subject = name_of(X509_get_subject_name(cert));
      record.issuer = name_of(X509_get_issuer_name(cert));
    }
  }
  return preverified;
}

util::Error handshake_error(const VerifyRecord& record, const std::string& reason, const Url& url,
                            const std::string& cacert) {
  if (!record.failed) {
    // No certificate verdict: the handshake itself broke. OpenSSL's "wrong version number"
    // or "packet length too long" is what a plain-HTTP server's reply looks like.
    const bool plain = reason.find("wrong version number") != std::string::npos ||
                       reason.find("packet length too long") != std::string::npos ||
                       reason.find("unknown protocol") != std::string::npos;
    return util::transport_error(plain ? "tls_not_tls" : "tls_handshake_failed",
                                 "TLS handshake with " + url.authority() + " failed: " + reason,
                                 plain ? "the server does not speak TLS on this port: try http:// instead of https://"
                                       : "check the port and that the server offers TLS 1.2 or later");
  }
  std::string leaf;
  if (!record.leaf_der.empty()) {
    try {
      const auto f = certificate_from_der(record.leaf_der);
      leaf = " (certificate subject \"" + f.subject + "\", issuer \"" + f.issuer + "\", " + names_text(f) + ", valid " +
             f.not_before + " to " + f.not_after + ")";
    } catch (const util::Error&) {
      leaf = "";
    }
  }
  const std::string at = record.depth == 0 ? ""
                                           : " at chain depth " + std::to_string(record.depth) + " (subject \"" +
                                                 record.subject + "\", issuer \"" + record.issuer + "\")";
  switch (record.error) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return util::transport_error(
          "tls_name_mismatch", "the certificate of " + url.authority() + " does not name " + url.host + leaf,
          "use the name the certificate carries in the URL (with --resolve NAME:PORT:ADDRESS to "
          "keep the address), or --insecure to look anyway");
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return util::transport_error("tls_certificate_expired",
                                   "the certificate of " + url.authority() + " is " + record.error_text + at + leaf,
                                   "check the server's certificate dates and this machine's clock");
    default:
      return util::transport_error(
          "tls_untrusted_certificate",
          "the certificate of " + url.authority() + " is not trusted: " + record.error_text + at + leaf,
          cacert.empty() ? "pass the issuing CA with --cacert FILE, or --insecure to look anyway"
                         : "the CA in " + cacert + " did not issue it: give the right --cacert, or --insecure");
  }
}

TlsSession session_of(ssl_st* ssl, bool verified, const std::string& server_name) {
  TlsSession s;
  s.version = SSL_get_version(ssl);
  if (const char* c = SSL_get_cipher_name(ssl)) s.cipher = c;
  s.server_name = server_name;
  s.verified = verified;
  if (X509* cert = SSL_get0_peer_certificate(ssl)) s.certificate = certificate_from_der(der_of(cert));
  return s;
}

TlsSession server_session_of(ssl_st* ssl) {
  TlsSession s;
  s.version = SSL_get_version(ssl);
  if (const char* c = SSL_get_cipher_name(ssl)) s.cipher = c;
  if (const char* n = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) s.server_name = n;
  return s;
}

}  // namespace authctx::http::detail
