// Test support: Apache 2.4 with mod_auth_gssapi as a real HTTP Negotiate peer (FACTS.md
// recipe), started from a private configuration on a free loopback port and stopped (and
// verified gone: the daemon and its children) when the object goes away.
//
// Locations:
//   /krb5/   AuthType GSSAPI, GssapiAllowedMech krb5, the keytab (a krb5-only location:
//            NTLM sent here gets 401 and "An unsupported mechanism was requested")
//   /ntlm/   GssapiAllowedMech ntlmssp, GssapiConnectionBound On, and NO keytab credstore
//            (with one, gssntlmssp segfaults during accept: FACTS.md)
//   /public/ no authentication
//   /redirect  302 to /krb5/whoami
//   /proxy/  with proxy_to: passed on to that backend (mod_proxy), a TLS-terminating hop
// /krb5/whoami and /ntlm/whoami are a CGI printing REMOTE_USER, GSS_NAME and AUTH_TYPE.
// With a certificate and key it serves https only.
//
// As root Apache drops to www-data, so the keytab, krb5.conf and NTLM user file are copied
// into its own folder, readable by www-data, and the replay cache lives there too.
#pragma once
#include <string>

#include "support/harness.hpp"

namespace authctx::test {

struct ApacheOptions {
  std::string keytab;          // the HTTP/localhost key (lab keytab)
  std::string krb5_conf;       // the lab's krb5.conf
  std::string ntlm_user_file;  // the lab's NTLM user file
  std::string tls_cert;        // PEM: https when given with tls_key
  std::string tls_key;
  // A TLS-terminating reverse proxy: /proxy/ is passed to this https:// backend (its
  // certificate not checked), so the client's TLS channel ends here, not at the backend.
  std::string proxy_to;
};

class Apache {
 public:
  // True if apache2 and mod_auth_gssapi are installed.
  static bool available();

  explicit Apache(const ApacheOptions& options);
  ~Apache();
  Apache(const Apache&) = delete;
  Apache& operator=(const Apache&) = delete;

  int port() const { return port_; }
  bool tls() const { return tls_; }
  int pid() const { return pid_; }
  // http(s)://localhost:PORT + path
  std::string url(const std::string& path) const;
  std::string error_log() const;
  std::string access_log() const;
  // Stops the server and requires that the daemon and its children are gone and the port
  // is free. Also done by the destructor (without failing the test there).
  void stop();

 private:
  bool start_once(const ApacheOptions& options);
  bool stop_quietly();

  TempDir dir_;
  int port_ = 0;
  int pid_ = 0;
  bool tls_ = false;
  bool stopped_ = false;
};

}  // namespace authctx::test
