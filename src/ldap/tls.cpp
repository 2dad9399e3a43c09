// OpenSSL client sessions for ldaps:// and StartTLS. The socket stays non-blocking: every
// SSL_* call that wants to read or write waits in poll() until the deadline, as OpenSSL's
// non-blocking contract asks (SSL_get_error: SSL_ERROR_WANT_READ / WANT_WRITE).
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include "ldap/tls.hpp"
#include "ldap/url.hpp"

namespace authctx::ldap::detail {
namespace {

std::string openssl_errors() {
  std::string out;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

std::string name_text(X509_NAME* name) {
  if (name == nullptr) return {};
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

// RFC 5929 §4.1: the certificate's signature hash, or SHA-256 when that is MD5 or SHA-1.
std::pair<std::string, Bytes> server_end_point(X509* cert) {
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid) == 0 || md_nid == NID_undef ||
      md_nid == NID_md5 || md_nid == NID_sha1)
    md_nid = NID_sha256;
  const EVP_MD* md = EVP_get_digestbynid(md_nid);
  if (md == nullptr) md = EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, digest, &len) != 1) return {};
  const std::string prefix = "tls-server-end-point:";
  Bytes data(prefix.begin(), prefix.end());
  data.insert(data.end(), digest, digest + len);
  std::string name = EVP_MD_get0_name(md);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {name, data};
}

class OpenSslSession final : public TlsSession {
 public:
  OpenSslSession(int fd, const TlsOptions& options) : fd_(fd), options_(options) {
    ctx_.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx_) throw setup_error("tls_setup_failed", "OpenSSL: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    if (!options.insecure) {
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
      const int ok = options.ca_file.empty()
                         ? SSL_CTX_set_default_verify_paths(ctx_.get())
                         : SSL_CTX_load_verify_locations(ctx_.get(), options.ca_file.c_str(), nullptr);
      if (ok != 1)
        throw setup_error("tls_ca_unreadable", "cannot load the CA certificates from '" + options.ca_file + "'",
                          "give --cacert a PEM file");
    }
    ssl_.reset(SSL_new(ctx_.get()));
    if (!ssl_) throw setup_error("tls_setup_failed", "OpenSSL: " + openssl_errors());
    SSL_set_fd(ssl_.get(), fd);
    // SNI only for names (RFC 6066 §3 forbids literal addresses), the name check for both.
    // SSL_set_tlsext_host_name is a macro over SSL_ctrl with a C cast; the call it makes:
    if (!is_ip_literal(options.server_name))
      SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(options.server_name.c_str()));
    if (!options.insecure) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
      if (is_ip_literal(options.server_name))
        X509_VERIFY_PARAM_set1_ip_asc(param, options.server_name.c_str());
      else
        X509_VERIFY_PARAM_set1_host(param, options.server_name.c_str(), 0);
    }
  }
  ~OpenSslSession() override {
    if (connected_) SSL_shutdown(ssl_.get());  // best effort close_notify; the socket is non-blocking
  }
  OpenSslSession(const OpenSslSession&) = delete;
  OpenSslSession& operator=(const OpenSslSession&) = delete;

  void connect(Clock::time_point deadline) {
    while (true) {
      ERR_clear_error();
      const int rc = SSL_connect(ssl_.get());
      if (rc == 1) {
        connected_ = true;
        return;
      }
      const int err = SSL_get_error(ssl_.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait_fd(fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
          throw transport_error("timeout", "timed out in the TLS handshake",
                                "the server does not answer TLS here: for ldap:// use --starttls, or use ldaps://");
        continue;
      }
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
        throw transport_error("tls_name_mismatch", "the server's certificate does not name " + options_.server_name,
                              "connect by the name in the certificate (use --resolve to pick the address)");
      if (verify != X509_V_OK)
        throw transport_error(
            "tls_certificate_untrusted",
            std::string("the server's certificate is not trusted: ") + X509_verify_cert_error_string(verify),
            "give its CA with --cacert FILE (or --insecure to look anyway)");
      throw transport_error("tls_handshake_failed", "the TLS handshake failed: " + openssl_errors(),
                            "the server may not speak TLS on this port: ldap:// is plain (add --starttls), "
                            "ldaps:// is TLS from the start");
    }
  }

  std::size_t read_some(std::span<std::uint8_t> out, Clock::time_point deadline) override {
    while (true) {
      ERR_clear_error();
      std::size_t n = 0;
      const int rc = SSL_read_ex(ssl_.get(), out.data(), out.size(), &n);
      if (rc == 1) return n;
      const int err = SSL_get_error(ssl_.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait_fd(fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
          throw transport_error("timeout", "timed out waiting for the server's reply",
                                "the server is silent: raise --timeout or check its log");
        continue;
      }
      if (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL)
        throw transport_error("closed_early", "the server closed the TLS connection",
                              "the server gave up on the request: its log says why");
      throw transport_error("reset", "TLS read failed: " + openssl_errors(), "the server broke the TLS session");
    }
  }

  void write_all(ByteView data, Clock::time_point deadline) override {
    std::size_t done = 0;
    while (done < data.size()) {
      ERR_clear_error();
      std::size_t n = 0;
      const int rc = SSL_write_ex(ssl_.get(), data.data() + done, data.size() - done, &n);
      if (rc == 1) {
        done += n;
        continue;
      }
      const int err = SSL_get_error(ssl_.get(), rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait_fd(fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
          throw transport_error("timeout", "timed out sending to the server");
        continue;
      }
      throw transport_error("reset", "TLS write failed: " + openssl_errors(), "the server closed the connection");
    }
  }

  TlsInfo info() const override {
    TlsInfo i;
    i.version = SSL_get_version(ssl_.get());
    i.cipher = SSL_get_cipher_name(ssl_.get());
    const long verify = SSL_get_verify_result(ssl_.get());
    i.verified = !options_.insecure && verify == X509_V_OK;
    i.verify_result = options_.insecure ? "not verified (--insecure)" : X509_verify_cert_error_string(verify);
    if (X509* cert = SSL_get1_peer_certificate(ssl_.get())) {
      i.peer_subject = name_text(X509_get_subject_name(cert));
      i.peer_issuer = name_text(X509_get_issuer_name(cert));
      auto [hash, data] = server_end_point(cert);
      i.server_end_point_hash = hash;
      i.server_end_point = std::move(data);
      X509_free(cert);
    }
    return i;
  }

 private:
  int fd_;
  TlsOptions options_;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx_{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl_{nullptr, SSL_free};
  bool connected_ = false;
};

}  // namespace

std::unique_ptr<TlsSession> TlsSession::handshake(int fd, const TlsOptions& options, Clock::time_point deadline) {
  auto s = std::make_unique<OpenSslSession>(fd, options);
  s->connect(deadline);
  return s;
}

}  // namespace authctx::ldap::detail
