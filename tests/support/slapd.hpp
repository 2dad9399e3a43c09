// Test support: OpenLDAP slapd as a real LDAP peer, from a private config in a temporary
// folder, on free loopback ports, with Cyrus SASL GSSAPI and GSS-SPNEGO against a lab realm.
//
// Slapd(options) adds the ldap/localhost service to the lab (kadmin.local, in the lab's
// environment; its keys are exported with -norandkey so tickets already issued stay
// valid), writes slapd.conf (back_mdb with a tiny database loaded by slapadd: the suffix
// dc=authctx,dc=test and uid=alice under ou=people), an authz-regexp that maps every SASL
// identity uid=NAME,[cn=REALM,]cn=MECH,cn=auth to uid=NAME,ou=people,dc=authctx,dc=test, and
// optional TLS (a throwaway self-signed certificate for localhost and 127.0.0.1 made with
// the openssl program) and sasl-secprops. slapd runs in the foreground (-d 0) with
// KRB5_CONFIG and KRB5_KTNAME pointing at the lab, so its PID is our child's; it is ready
// when its port accepts a connection, and startup_ms says how long that took. The
// destructor stops it with SIGTERM (SIGKILL after 10 s), verifies the process is gone, and
// removes the folder. Construction throws std::runtime_error with slapd's log on failure.
// available() says whether the Debian packages slapd, ldap-utils and
// libsasl2-modules-gssapi-mit are installed.
#pragma once
#include <sys/types.h>

#include <string>

#include "util/process.hpp"

namespace authctx::test {

struct SlapdOptions {
  util::Environment lab_env;  // the lab's environment (KRB5_CONFIG, KRB5_KDC_PROFILE, ...)
  std::string realm = "AUTHCTX.TEST";
  bool tls = false;           // also listen for ldaps:// and accept StartTLS
  std::string sasl_secprops;  // e.g. "minssf=1" (requires sign or seal), "maxbufsize=0"
};

class Slapd {
 public:
  static bool available();
  explicit Slapd(const SlapdOptions& options);
  ~Slapd();
  Slapd(const Slapd&) = delete;
  Slapd& operator=(const Slapd&) = delete;

  int port() const { return port_; }          // ldap://
  int tls_port() const { return tls_port_; }  // ldaps://, when options.tls
  pid_t pid() const { return pid_; }
  double startup_ms() const { return startup_ms_; }
  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/cert.pem"; }  // when options.tls
  std::string keytab() const { return dir_ + "/ldap.keytab"; }
  std::string log() const;
  // Stops slapd now (also done by the destructor); true if the process is gone.
  bool stop();

 private:
  std::string dir_;
  int port_ = 0;
  int tls_port_ = 0;
  pid_t pid_ = -1;
  double startup_ms_ = 0;
};

// Adds ldap/localhost to the lab (when missing) and exports its keys to keytab.
void add_ldap_service(const util::Environment& lab_env, const std::string& keytab);

// Exit 77 (CTest's skip) with a line on stderr when slapd and its SASL module, or the MIT KDC
// programs, are not installed.
void skip_without_slapd();
void skip_without_kdc();

// True once 127.0.0.1:port accepts a connection.
bool port_open(int port);

}  // namespace authctx::test
