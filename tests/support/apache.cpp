#include "support/apache.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lab/ports.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace authctx::test {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* k_modules = "/usr/lib/apache2/modules";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// Live (not zombie) processes whose process group is pgid: the daemon and its children.
int group_members(int pgid) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    const auto stat = slurp(e.path().string() + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 2));
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z') ++n;
  }
  return n;
}

void write_file(const std::string& path, const std::string& text, fs::perms perms) {
  util::write_private_file(path, text);
  fs::permissions(path, perms);
}

std::string config(const std::string& d, int port, const ApacheOptions& o, bool as_root) {
  std::ostringstream c;
  c << "ServerRoot " << d << "\nServerName localhost\nListen 127.0.0.1:" << port << "\n"
    << "PidFile " << d << "/apache.pid\nDefaultRuntimeDir " << d << "\nMutex file:" << d << " default\n"
    << "ErrorLog " << d << "/error.log\nLogLevel info auth_gssapi:debug\n";
  for (const char* m : {"mpm_prefork", "authz_core", "authn_core", "authz_user", "auth_gssapi", "alias", "cgi"})
    c << "LoadModule " << m << "_module " << k_modules << "/mod_" << m << ".so\n";
  c << "LogFormat \"%h %u \\\"%r\\\" %>s %{Authorization}i\" authctx\nCustomLog " << d << "/access.log authctx\n";
  if (as_root) c << "User www-data\nGroup www-data\n";
  c << "StartServers 2\nKeepAlive On\nMaxKeepAliveRequests 100\nKeepAliveTimeout 5\nTimeout 20\n"
    << "DocumentRoot " << d << "/htdocs\n"
    << "<Directory " << d << "/htdocs>\n  Require all granted\n</Directory>\n"
    << "ScriptAlias /krb5/whoami " << d << "/cgi/whoami\nScriptAlias /ntlm/whoami " << d << "/cgi/whoami\n"
    << "Redirect 302 /redirect /krb5/whoami\n"
    << "<Directory " << d << "/cgi>\n  Require all granted\n</Directory>\n"
    << "<Location /krb5/>\n  AuthType GSSAPI\n  AuthName \"authctx krb5\"\n  GssapiCredStore keytab:" << d
    << "/keytab\n  GssapiAllowedMech krb5\n  GssapiBasicAuth Off\n  GssapiNameAttributes json\n"
    << "  Require valid-user\n</Location>\n"
    << "<Location /ntlm/>\n  AuthType GSSAPI\n  AuthName \"authctx ntlm\"\n  GssapiAllowedMech ntlmssp\n"
    << "  GssapiConnectionBound On\n  GssapiBasicAuth Off\n  Require valid-user\n</Location>\n";
  if (!o.tls_cert.empty()) {
    c << "LoadModule ssl_module " << k_modules << "/mod_ssl.so\nSSLEngine on\nSSLCertificateFile " << o.tls_cert
      << "\nSSLCertificateKeyFile " << o.tls_key << "\n";
  }
  if (!o.proxy_to.empty()) {
    for (const char* m : {"proxy", "proxy_http"})
      c << "LoadModule " << m << "_module " << k_modules << "/mod_" << m << ".so\n";
    c << "SSLProxyEngine on\nSSLProxyVerify none\nSSLProxyCheckPeerName off\nSSLProxyCheckPeerCN off\n"
      << "ProxyPass /proxy/ " << o.proxy_to << "\n";
  }
  return c.str();
}
}  // namespace

bool Apache::available() {
  return util::find_program("apache2").has_value() && fs::exists(std::string(k_modules) + "/mod_auth_gssapi.so");
}

Apache::Apache(const ApacheOptions& options) {
  REQUIRE(available());
  tls_ = !options.tls_cert.empty();
  const auto& d = dir_.path;
  const bool as_root = ::geteuid() == 0;
  const passwd* www = as_root ? ::getpwnam("www-data") : nullptr;
  fs::create_directories(d + "/htdocs/public");
  fs::create_directories(d + "/cgi");
  fs::create_directories(d + "/rcache");
  write_file(d + "/htdocs/public/index.html", "public\n", fs::perms(0644));
  // dash's echo eats "\a" in AUTHCTX\alice: printf '%s' (FACTS.md).
  write_file(d + "/cgi/whoami",
             "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nprintf 'REMOTE_USER=%s\\n' \"$REMOTE_USER\"\n"
             "printf 'GSS_NAME=%s\\n' \"$GSS_NAME\"\nprintf 'AUTH_TYPE=%s\\n' \"$AUTH_TYPE\"\n",
             fs::perms(0755));
  write_file(d + "/keytab", util::read_file(options.keytab), fs::perms(0600));
  write_file(d + "/krb5.conf", util::read_file(options.krb5_conf), fs::perms(0644));
  write_file(d + "/ntlm_users", util::read_file(options.ntlm_user_file), fs::perms(0600));
  fs::permissions(d, fs::perms(0711));
  fs::permissions(d + "/htdocs", fs::perms(0755));
  fs::permissions(d + "/htdocs/public", fs::perms(0755));
  fs::permissions(d + "/cgi", fs::perms(0755));
  if (www != nullptr) {
    for (const char* f : {"/keytab", "/ntlm_users", "/rcache"})
      REQUIRE(::chown((d + f).c_str(), www->pw_uid, www->pw_gid) == 0);
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = lab::pick_free_port();
    write_file(d + "/httpd.conf", config(d, port_, options, www != nullptr), fs::perms(0644));
    if (start_once(options)) return;
  }
  FAIL("apache2 did not start: " << error_log());
}

bool Apache::start_once(const ApacheOptions&) {
  const auto& d = dir_.path;
  util::RunOptions run;
  run.argv = {*util::find_program("apache2"), "-f", d + "/httpd.conf", "-k", "start"};
  // Only what the peer needs: no inherited KRB5CCNAME or keytab variables.
  run.env = util::Environment{{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"},
                              {"KRB5_CONFIG", d + "/krb5.conf"},
                              {"KRB5RCACHEDIR", d + "/rcache"},
                              {"NTLM_USER_FILE", d + "/ntlm_users"}};
  run.timeout = std::chrono::seconds(20);
  const auto r = util::run(run);
  if (r.exit_code != 0) {
    INFO("apache2 -k start: " << r.out << r.err);
    if ((r.out + r.err + error_log()).find("Address already in use") != std::string::npos) return false;
    FAIL("apache2 -k start failed (" << r.exit_code << "): " << r.out << r.err << error_log());
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    if (pid_ == 0) {
      const auto text = slurp(d + "/apache.pid");
      if (!text.empty()) pid_ = std::atoi(text.c_str());
    }
    if (pid_ > 0 && port_accepts(port_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop_quietly();
  if (error_log().find("Address already in use") != std::string::npos) {
    pid_ = 0;
    stopped_ = false;
    return false;  // another test took the port between our check and Apache's bind
  }
  FAIL("apache2 is not answering on port " << port_ << ": " << error_log());
  return false;
}

std::string Apache::url(const std::string& path) const {
  return std::string(tls_ ? "https" : "http") + "://localhost:" + std::to_string(port_) + path;
}

std::string Apache::error_log() const { return slurp(dir_.path + "/error.log"); }
std::string Apache::access_log() const { return slurp(dir_.path + "/access.log"); }

bool Apache::stop_quietly() {
  if (stopped_ || pid_ <= 0) return true;
  ::kill(pid_, SIGTERM);
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline && (util::process_alive(pid_) || group_members(pid_) > 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (util::process_alive(pid_) || group_members(pid_) > 0) {
    ::kill(-pid_, SIGKILL);
    deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline && (util::process_alive(pid_) || group_members(pid_) > 0))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stopped_ = !util::process_alive(pid_) && group_members(pid_) == 0;
  return stopped_;
}

void Apache::stop() {
  const int pid = pid_;
  INFO("apache2 pid " << pid);
  REQUIRE(stop_quietly());
  CHECK_FALSE(util::process_alive(pid));
  CHECK(group_members(pid) == 0);
  CHECK_FALSE(port_accepts(port_));
}

Apache::~Apache() { stop_quietly(); }

}  // namespace authctx::test
