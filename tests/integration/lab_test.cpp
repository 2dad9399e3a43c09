// Integration tests of `authctx lab up/env/down/exec/demo`: the real binary, real KDCs.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "support/harness.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace fs = std::filesystem;
using authctx::test::Lab;
using authctx::test::run_authctx;
using authctx::test::TempDir;

namespace {

bool accepts_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// True if pid is alive and still a krb5kdc (a reaped PID may have been reused).
bool kdc_alive(pid_t pid) {
  if (!authctx::util::process_alive(pid)) return false;
  try {
    return authctx::util::read_file("/proc/" + std::to_string(pid) + "/cmdline").find("krb5kdc") != std::string::npos;
  } catch (const std::exception&) {
    return false;
  }
}

bool kdc_gone_soon(pid_t pid) {
  for (int i = 0; i < 200 && kdc_alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return !kdc_alive(pid);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// A fresh path that does not exist yet, inside a TempDir that removes it afterwards.
std::string new_lab_dir(const TempDir& parent) { return parent.path + "/lab"; }

}  // namespace

TEST_CASE("lab: up prints the realm, a live KDC and a port that accepts connections", "[lab]") {
  Lab lab;
  const auto& info = lab.info();
  CHECK(info["schema"] == "authctx/1");
  CHECK(info["command"] == "lab up");
  CHECK(info["realm"] == "AUTHCTX.TEST");
  CHECK(info["dir"] == lab.dir());
  CHECK(info["kdc"]["address"] == "127.0.0.1");
  const int port = info["kdc"]["port"].get<int>();
  CHECK(port > 0);
  CHECK(accepts_tcp(port));
  CHECK(kdc_alive(info["kdc"]["pid"].get<pid_t>()));
  CHECK(info["user"]["name"] == "alice@AUTHCTX.TEST");
  const auto password = info["user"]["password"].get<std::string>();
  CHECK(password.size() == 16);
  CHECK(authctx::util::read_password_file(lab.path("password_file")) == password);
  CHECK(info["services"] == nlohmann::json({"host/localhost@AUTHCTX.TEST", "HTTP/localhost@AUTHCTX.TEST"}));
  CHECK(lab.env().at("KRB5CCNAME") == "FILE:" + lab.path("ccache"));
  CHECK(lab.env().at("KRB5_KTNAME") == "FILE:" + lab.path("keytab"));
  CHECK(lab.env().at("KRB5_CONFIG") == lab.path("krb5_conf"));
  CHECK(lab.env().at("KRB5_KDC_PROFILE") == lab.path("kdc_conf"));
  CHECK(lab.env().at("KRB5RCACHEDIR") == lab.path("rcache_dir"));
  CHECK(lab.env().at("NTLM_USER_FILE") == lab.path("ntlm_user_file"));
  CHECK(authctx::util::read_file(lab.path("ntlm_user_file")).find("AUTHCTX.TEST:alice:" + password + "\n") !=
        std::string::npos);
  for (const auto& [key, value] : info["paths"].items()) {
    INFO(key);
    CHECK(value.get<std::string>().rfind(lab.dir() + "/", 0) == 0);  // everything inside the lab
  }
}

TEST_CASE("lab: the database holds alice, host/localhost and HTTP/localhost, and the keytab both services",
          "[lab]") {
  Lab lab;
  const auto principals = lab.kadmin("listprincs").out;
  CHECK(principals.find("alice@AUTHCTX.TEST\n") != std::string::npos);
  CHECK(principals.find("host/localhost@AUTHCTX.TEST\n") != std::string::npos);
  CHECK(principals.find("HTTP/localhost@AUTHCTX.TEST\n") != std::string::npos);
  CHECK(lab.kadmin("getprinc alice").out.find("REQUIRES_PRE_AUTH") != std::string::npos);
  // The keytab's kvno matches the database (ktadd -norandkey after the first).
  CHECK(lab.kadmin("getprinc host/localhost").out.find("vno 2") != std::string::npos);
  CHECK(lab.kadmin("getprinc HTTP/localhost").out.find("vno 1") != std::string::npos);
  // klist is optional (krb5-user); the ccache itself is checked through the krb5 API in unit tests.
  if (const auto klist = authctx::util::find_program("klist")) {
    authctx::util::RunOptions opts;
    opts.argv = {*klist, "-k"};
    opts.env = authctx::util::current_environment(lab.env());
    const auto kt = authctx::util::run(opts);
    CHECK(kt.out.find("   2 host/localhost@AUTHCTX.TEST") != std::string::npos);
    CHECK(kt.out.find("   1 HTTP/localhost@AUTHCTX.TEST") != std::string::npos);
    opts.argv = {*klist};
    const auto cc = authctx::util::run(opts);
    CHECK(cc.out.find("Default principal: alice@AUTHCTX.TEST") != std::string::npos);
    CHECK(cc.out.find("krbtgt/AUTHCTX.TEST@AUTHCTX.TEST") != std::string::npos);
  }
}

TEST_CASE("lab: every file in the lab is 0600 and every folder 0700", "[lab]") {
  Lab lab;
  CHECK(mode_of(lab.dir()) == 0700);
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(lab.dir())) {
    INFO(entry.path());
    CHECK(mode_of(entry.path()) == (entry.is_directory() ? 0700u : 0600u));
    ++files;
  }
  CHECK(files >= 12);
  CHECK(mode_of(lab.path("ccache")) == 0600);
  CHECK(mode_of(lab.path("keytab")) == 0600);
  CHECK(mode_of(lab.path("rcache_dir")) == 0700);
}

TEST_CASE("lab: env prints shell export lines that point MIT tools at the lab", "[lab]") {
  Lab lab;
  const auto r = run_authctx({"lab", "env", "--dir", lab.dir()});
  REQUIRE(r.exit_code == 0);
  for (const auto& [var, value] : lab.env())
    CHECK(r.out.find("export " + var + "='" + value + "'\n") != std::string::npos);
  authctx::util::RunOptions opts;
  opts.argv = {"/bin/sh", "-c", "eval \"$(cat)\"; printf '%s %s' \"$KRB5CCNAME\" \"$KRB5_KDC_PROFILE\""};
  opts.stdin_data = r.out;
  const auto sh = authctx::util::run(opts);
  CHECK(sh.out == "FILE:" + lab.path("ccache") + " " + lab.path("kdc_conf"));
}

TEST_CASE("lab: up then down leaves no KDC and no folder", "[lab]") {
  TempDir parent;
  const auto dir = new_lab_dir(parent);
  const auto up = run_authctx({"lab", "up", "--dir", dir, "--format", "json"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  const auto pid = up.json()["kdc"]["pid"].get<pid_t>();
  const auto port = up.json()["kdc"]["port"].get<int>();
  REQUIRE(kdc_alive(pid));
  const auto down = run_authctx({"lab", "down", "--dir", dir, "--format", "json"});
  INFO(down.err);
  CHECK(down.exit_code == 0);
  CHECK(down.json()["kdc"]["pid"] == pid);
  CHECK(down.json()["kdc"]["was_running"] == true);
  CHECK(kdc_gone_soon(pid));
  CHECK_FALSE(fs::exists(dir));
  CHECK_FALSE(accepts_tcp(port));
}

TEST_CASE("lab: down still removes a lab whose KDC already died", "[lab]") {
  TempDir parent;
  const auto dir = new_lab_dir(parent);
  const auto up = run_authctx({"lab", "up", "--dir", dir, "--format", "json"});
  REQUIRE(up.exit_code == 0);
  const auto pid = up.json()["kdc"]["pid"].get<pid_t>();
  REQUIRE(::kill(pid, SIGKILL) == 0);
  REQUIRE(kdc_gone_soon(pid));
  const auto down = run_authctx({"lab", "down", "--dir", dir, "--format", "json"});
  CHECK(down.exit_code == 0);
  CHECK(down.json()["kdc"]["was_running"] == false);
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("lab: two labs at once get their own ports and KDCs and both issue tickets", "[lab]") {
  Lab a;
  Lab b;
  CHECK(a.info()["kdc"]["port"] != b.info()["kdc"]["port"]);
  CHECK(a.info()["kdc"]["pid"] != b.info()["kdc"]["pid"]);
  CHECK(a.info()["user"]["password"] != b.info()["user"]["password"]);
  for (const Lab* lab : {&a, &b}) {
    CHECK(accepts_tcp(lab->info()["kdc"]["port"].get<int>()));
    CHECK(kdc_alive(lab->info()["kdc"]["pid"].get<pid_t>()));
    // Each lab's own KDC issued alice's TGT (the log names the exchange).
    const auto log = authctx::util::read_file(lab->path("kdc_log"));
    CHECK(log.find("AS_REQ") != std::string::npos);
    CHECK(log.find("ISSUE") != std::string::npos);
    CHECK(log.find("alice@AUTHCTX.TEST for krbtgt/AUTHCTX.TEST@AUTHCTX.TEST") != std::string::npos);
  }
}

TEST_CASE("lab: exec runs the command in a fresh lab, exits with its status and leaves nothing", "[lab]") {
  const auto r = run_authctx({"lab", "exec", "--", "sh", "-c",
                              "printf '%s\\n' \"$KRB5_CONFIG\"; test -s \"${KRB5CCNAME#FILE:}\" || exit 9; exit 7"});
  INFO(r.err);
  CHECK(r.exit_code == 7);
  REQUIRE(r.out.size() > 10);
  const auto krb5_conf = r.out.substr(0, r.out.find('\n'));
  CHECK(fs::path(krb5_conf).filename() == "krb5.conf");
  CHECK_FALSE(fs::exists(fs::path(krb5_conf).parent_path()));
}

TEST_CASE("lab: exec with --dir builds the lab there and removes it afterwards", "[lab]") {
  TempDir parent;
  const auto dir = new_lab_dir(parent);
  // The command sees the lab in DIR: its krb5.conf is there, next to lab.json.
  const auto r = run_authctx({"lab", "exec", "--dir", dir, "--", "sh", "-c",
                              "test \"$KRB5_CONFIG\" = \"$0/krb5.conf\" && test -s \"$0/lab.json\"", dir});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("lab: exec tears the lab down when authctx is terminated", "[lab]") {
  TempDir parent;
  const auto dir = new_lab_dir(parent);
  const auto log = parent.path + "/exec.log";
  const pid_t pid = authctx::util::spawn_background({AUTHCTX_BINARY, "lab", "exec", "--dir", dir, "--", "sleep", "30"},
                                                    authctx::util::current_environment(), log);
  // Wait for the lab to be up (lab.json is written last).
  for (int i = 0; i < 500 && !fs::exists(dir + "/lab.json"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(fs::exists(dir + "/lab.json"));
  const auto state = nlohmann::json::parse(authctx::util::read_file(dir + "/lab.json"));
  const auto kdc = state["kdc"]["pid"].get<pid_t>();
  REQUIRE(kdc_alive(kdc));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let `sleep` start
  REQUIRE(::kill(pid, SIGTERM) == 0);
  const auto status = authctx::util::wait_for_exit(pid, std::chrono::seconds(10));
  REQUIRE(status.has_value());
  CHECK(*status == 128 + SIGTERM);  // sleep's own status: it got the forwarded SIGTERM
  CHECK(kdc_gone_soon(kdc));
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("lab: down refuses a folder that is not a lab and leaves it alone", "[lab]") {
  TempDir dir;
  authctx::util::write_private_file(dir.path + "/precious.txt", "keep me");
  const auto r = run_authctx({"lab", "down", "--dir", dir.path, "--format", "json"});
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("is not an authctx lab") != std::string::npos);
  CHECK(r.json()["error"]["class"] == "lab_not_found");
  CHECK(authctx::util::read_file(dir.path + "/precious.txt") == "keep me");
}

TEST_CASE("lab: up on a busy --port exits 5 with a sentence saying what to do", "[lab]") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const auto port = std::to_string(ntohs(addr.sin_port));

  TempDir parent;
  const auto dir = new_lab_dir(parent);
  const auto r = run_authctx({"lab", "up", "--dir", dir, "--port", port, "--format", "json"});
  ::close(fd);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("Port " + port + " on 127.0.0.1 is already in use") != std::string::npos);
  CHECK(r.err.find("--port") != std::string::npos);
  CHECK(r.json()["error"]["class"] == "lab_port_busy");
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("lab: up refuses a folder that is not empty", "[lab]") {
  TempDir dir;
  authctx::util::write_private_file(dir.path + "/precious.txt", "keep me");
  const auto r = run_authctx({"lab", "up", "--dir", dir.path, "--format", "json"});
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("not empty") != std::string::npos);
  CHECK(authctx::util::read_file(dir.path + "/precious.txt") == "keep me");
}

TEST_CASE("lab: demo prints the client's document of an established TCP handshake in a fresh lab", "[lab][demo]") {
  const auto r = run_authctx({"lab", "demo", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "client");
  CHECK(doc["established"] == true);
  CHECK(doc["legs"].size() == 2);  // SPNEGO over krb5 with mutual authentication
  CHECK(doc["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(doc["initiator"]["target_name"] == "host/localhost@AUTHCTX.TEST");
  CHECK(doc["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
}

TEST_CASE("lab: up in a folder that cannot be created exits 5 and says what to do", "[lab]") {
  const auto r = run_authctx({"lab", "up", "--dir", "/proc/authctx-no-such/lab", "--format", "json"});
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("Cannot make a lab in /proc/authctx-no-such/lab") != std::string::npos);
  CHECK(r.err.find("writable") != std::string::npos);
  CHECK(r.json()["error"]["class"] == "lab_dir_unusable");
}

TEST_CASE("lab: the KDC master password never reaches kdb5_util's command line", "[lab]") {
  // A kdb5_util first on PATH records its argv and its stdin's first line, then runs the real one.
  TempDir bin;
  const auto real = authctx::util::find_program("kdb5_util");
  REQUIRE(real.has_value());
  const auto log = bin.path + "/argv.log";
  authctx::util::write_private_file(bin.path + "/kdb5_util",
                                    "#!/bin/sh\nprintf 'argv: %s\\n' \"$*\" >> " + log + "\nexec " + *real + " \"$@\"\n");
  ::chmod((bin.path + "/kdb5_util").c_str(), 0755);
  TempDir parent;
  const auto dir = new_lab_dir(parent);
  const auto path = bin.path + ":" + std::string(std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin");
  const auto up = run_authctx({"lab", "up", "--dir", dir, "--format", "json"}, {{"PATH", path}});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  const auto argv = authctx::util::read_file(log);
  CHECK(argv.find("argv: create -s -r AUTHCTX.TEST\n") != std::string::npos);
  CHECK(argv.find("-P") == std::string::npos);
  CHECK(fs::exists(dir + "/stash"));  // the master key reached kdb5_util on its stdin
  CHECK(run_authctx({"lab", "down", "--dir", dir}).exit_code == 0);
}
