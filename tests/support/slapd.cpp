#include "support/slapd.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "lab/kdc.hpp"
#include "lab/ports.hpp"

namespace authctx::test {
namespace {

using Clock = std::chrono::steady_clock;

util::RunResult run_checked(const std::vector<std::string>& argv, const util::Environment& env,
                            const std::string& what) {
  util::RunOptions o;
  o.argv = argv;
  o.env = util::current_environment(env);
  o.timeout = std::chrono::seconds(30);
  auto r = util::run(o);
  if (r.exit_code != 0)
    throw std::runtime_error(what + " failed (" + std::to_string(r.exit_code) + "): " + r.out + r.err);
  return r;
}

std::string program(const std::string& name) {
  const auto p = util::find_program(name);
  if (!p) throw std::runtime_error(name + " is not installed");
  return *p;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return up;
}

bool Slapd::available() {
  return util::find_program("slapd") && util::find_program("slapadd") && util::find_program("ldapwhoami") &&
         std::filesystem::exists("/usr/lib/x86_64-linux-gnu/sasl2/libgssapiv2.so");
}

void skip_without_slapd() {
  if (Slapd::available()) return;
  std::fprintf(stderr, "slapd, ldap-utils or libsasl2-modules-gssapi-mit not installed: skipping\n");
  std::exit(77);
}

void skip_without_kdc() {
  try {
    lab::find_tools();
  } catch (const std::exception&) {
    std::fprintf(stderr, "krb5-kdc / krb5-admin-server not installed: skipping\n");
    std::exit(77);
  }
}

void add_ldap_service(const util::Environment& lab_env, const std::string& keytab) {
  const auto kadmin = program("kadmin.local");
  util::RunOptions o;
  o.argv = {kadmin, "-q", "getprinc ldap/localhost"};
  o.env = util::current_environment(lab_env);
  const auto probe = util::run(o);
  // kadmin.local exits 0 even when the principal is missing; its stderr says so.
  if (probe.exit_code != 0 || probe.err.find("does not exist") != std::string::npos)
    run_checked({kadmin, "-q", "addprinc -randkey ldap/localhost"}, lab_env, "kadmin.local addprinc");
  run_checked({kadmin, "-q", "ktadd -norandkey -k " + keytab + " ldap/localhost"}, lab_env, "kadmin.local ktadd");
  std::filesystem::permissions(keytab, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

Slapd::Slapd(const SlapdOptions& options) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "authctx-slapd-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  try {
    std::filesystem::create_directory(dir_ + "/db");
    add_ldap_service(options.lab_env, keytab());
    const std::string suffix_realm = lower(options.realm);
    std::string conf =
        "include /etc/ldap/schema/core.schema\n"
        "include /etc/ldap/schema/cosine.schema\n"
        "include /etc/ldap/schema/inetorgperson.schema\n"
        "modulepath /usr/lib/ldap\n"
        "moduleload back_mdb\n"
        "pidfile " +
        dir_ +
        "/slapd.pid\n"
        "argsfile " +
        dir_ +
        "/slapd.args\n"
        "sasl-host localhost\n"
        "sasl-realm " +
        options.realm +
        "\n"
        // Cyrus names GSSAPI identities uid=alice,cn=gssapi,cn=auth (the default realm is
        // left out) and GSS-SPNEGO ones uid=alice,cn=authctx.test,cn=gss-spnego,cn=auth.
        "authz-regexp \"^uid=([^,]+),(cn=" +
        suffix_realm +
        ",)?cn=[^,]+,cn=auth$\" "
        "\"uid=$1,ou=people,dc=authctx,dc=test\"\n";
    if (!options.sasl_secprops.empty()) conf += "sasl-secprops " + options.sasl_secprops + "\n";
    if (options.tls) {
      run_checked({program("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", dir_ + "/key.pem", "-out", dir_ + "/cert.pem", "-days", "1", "-subj",
                   "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                  {}, "openssl req");
      conf += "TLSCertificateFile " + dir_ + "/cert.pem\nTLSCertificateKeyFile " + dir_ + "/key.pem\n";
    }
    conf +=
        "database mdb\n"
        "maxsize 10485760\n"
        "suffix \"dc=authctx,dc=test\"\n"
        "rootdn \"cn=admin,dc=authctx,dc=test\"\n"
        "directory " +
        dir_ +
        "/db\n"
        "access to * by * read\n";
    write_file(dir_ + "/slapd.conf", conf);
    write_file(dir_ + "/base.ldif",
               "dn: dc=authctx,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: authctx\ndc: authctx\n\n"
               "dn: ou=people,dc=authctx,dc=test\nobjectClass: organizationalUnit\nou: people\n\n"
               "dn: uid=alice,ou=people,dc=authctx,dc=test\nobjectClass: inetOrgPerson\nuid: alice\ncn: Alice\n"
               "sn: Alice\n");
    run_checked({program("slapadd"), "-f", dir_ + "/slapd.conf", "-l", dir_ + "/base.ldif"}, {}, "slapadd");

    auto env = options.lab_env;
    env["KRB5_KTNAME"] = "FILE:" + keytab();
    env["KRB5RCACHEDIR"] = dir_;
    for (int attempt = 0; attempt < 3 && pid_ < 0; ++attempt) {
      port_ = lab::pick_free_port();
      std::string urls = "ldap://127.0.0.1:" + std::to_string(port_) + "/";
      if (options.tls) {
        tls_port_ = lab::pick_free_port();
        urls += " ldaps://127.0.0.1:" + std::to_string(tls_port_) + "/";
      }
      const auto started = Clock::now();
      // -d 0: stay in the foreground (no fork), so the PID is ours to stop.
      const pid_t pid = util::spawn_background({program("slapd"), "-d", "0", "-f", dir_ + "/slapd.conf", "-h", urls},
                                               util::current_environment(env), dir_ + "/slapd.log");
      const auto deadline = started + std::chrono::seconds(10);
      bool up = false;
      while (Clock::now() < deadline) {
        if (port_open(port_) && (!options.tls || port_open(tls_port_))) {
          up = true;
          break;
        }
        if (util::wait_for_exit(pid, std::chrono::milliseconds(0))) break;  // it died (port lost?)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (up) {
        pid_ = pid;
        startup_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      } else {
        ::kill(pid, SIGKILL);
        util::wait_for_exit(pid, std::chrono::seconds(5));
      }
    }
    if (pid_ < 0) throw std::runtime_error("slapd did not start: " + log());
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

std::string Slapd::log() const { return slurp(dir_ + "/slapd.log"); }

bool Slapd::stop() {
  if (pid_ <= 0) return true;
  ::kill(pid_, SIGTERM);
  if (!util::wait_for_exit(pid_, std::chrono::seconds(10))) {
    ::kill(pid_, SIGKILL);
    util::wait_for_exit(pid_, std::chrono::seconds(5));
  }
  const bool gone = !util::process_alive(pid_);
  pid_ = -1;
  return gone;
}

Slapd::~Slapd() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace authctx::test
