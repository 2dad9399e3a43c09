// Unit tests for src/lab: configuration text, passwords, shell quoting, state files, ports.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "util/errors.hpp"
#include "lab/config.hpp"
#include "lab/ports.hpp"
#include "lab/state.hpp"
#include "support/harness.hpp"
#include "util/files.hpp"

namespace lab = authctx::lab;

TEST_CASE("lab: krb5.conf turns off DNS and sends everything to the lab KDC", "[lab][unit]") {
  const lab::LabPaths paths("/tmp/some-lab");
  const auto text = lab::render_krb5_conf(paths, 40123);
  CHECK(text.find("default_realm = AUTHCTX.TEST\n") != std::string::npos);
  CHECK(text.find("dns_lookup_kdc = false\n") != std::string::npos);
  CHECK(text.find("dns_lookup_realm = false\n") != std::string::npos);
  CHECK(text.find("dns_canonicalize_hostname = false\n") != std::string::npos);
  CHECK(text.find("rdns = false\n") != std::string::npos);
  CHECK(text.find("udp_preference_limit = 1\n") != std::string::npos);
  CHECK(text.find("kdc = 127.0.0.1:40123\n") != std::string::npos);
  CHECK(text.find("[domain_realm]\n    localhost = AUTHCTX.TEST\n") != std::string::npos);
}

TEST_CASE("lab: kdc.conf listens on loopback only and keeps its files in the lab folder", "[lab][unit]") {
  const lab::LabPaths paths("/tmp/some-lab");
  const auto text = lab::render_kdc_conf(paths, 40123);
  CHECK(text.find("kdc_listen = 127.0.0.1:40123\n") != std::string::npos);
  CHECK(text.find("kdc_tcp_listen = 127.0.0.1:40123\n") != std::string::npos);
  CHECK(text.find("database_name = /tmp/some-lab/principal\n") != std::string::npos);
  CHECK(text.find("key_stash_file = /tmp/some-lab/stash\n") != std::string::npos);
  CHECK(text.find("acl_file = /tmp/some-lab/kadm5.acl\n") != std::string::npos);
  CHECK(text.find("kdc = FILE:/tmp/some-lab/krb5kdc.log\n") != std::string::npos);
  // Nothing may point outside the lab (the packaged /etc/krb5kdc or /var/lib/krb5kdc).
  CHECK(text.find("/etc/") == std::string::npos);
  CHECK(text.find("/var/") == std::string::npos);
}

TEST_CASE("lab: the environment points every MIT variable into the lab folder", "[lab][unit]") {
  const auto env = lab::lab_environment(lab::LabPaths("/tmp/x"));
  CHECK(env.at("KRB5_CONFIG") == "/tmp/x/krb5.conf");
  CHECK(env.at("KRB5_KDC_PROFILE") == "/tmp/x/kdc.conf");
  CHECK(env.at("KRB5CCNAME") == "FILE:/tmp/x/ccache");
  CHECK(env.at("KRB5_KTNAME") == "FILE:/tmp/x/keytab");
  CHECK(env.at("KRB5RCACHEDIR") == "/tmp/x/rcache");
  CHECK(env.at("NTLM_USER_FILE") == "/tmp/x/ntlm_users");
  CHECK(env.size() == 6);
}

TEST_CASE("lab: the NTLM user file knows alice under the realm and the short domain", "[lab][unit]") {
  CHECK(lab::render_ntlm_user_file("pw1") == "AUTHCTX.TEST:alice:pw1\nAUTHCTX:alice:pw1\n");
}

TEST_CASE("lab: random passwords are 16 alphanumerics and never repeat", "[lab][unit]") {
  const auto a = lab::random_password();
  const auto b = lab::random_password();
  CHECK(a.size() == 16);
  CHECK(a != b);
  for (const char c : a + b) CHECK(std::isalnum(static_cast<unsigned char>(c)));
  CHECK(lab::random_password(40).size() == 40);
}

TEST_CASE("lab: env export lines survive a round trip through sh, quotes included", "[lab][unit]") {
  const authctx::util::Environment env{{"A_VAR", "it's a \"test\" $HOME `x`"}, {"B_VAR", "/tmp/plain"}};
  const auto text = lab::env_exports(env);
  CHECK(text.rfind("export A_VAR='it'\\''s a \"test\" $HOME `x`'\n", 0) == 0);
  authctx::util::RunOptions opts;
  opts.argv = {"/bin/sh", "-c", "eval \"$(cat)\"; printf '%s|%s' \"$A_VAR\" \"$B_VAR\""};
  opts.stdin_data = text;
  const auto r = authctx::util::run(opts);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "it's a \"test\" $HOME `x`|/tmp/plain");
}

TEST_CASE("lab: state round-trips through lab.json and the up document names everything", "[lab][unit]") {
  authctx::test::TempDir tmp;
  lab::LabInfo info;
  info.dir = tmp.path;
  info.kdc_port = 40999;
  info.kdc_pid = 4242;
  info.user = "alice@AUTHCTX.TEST";
  info.password = "Secret123";
  info.services = {"host/localhost@AUTHCTX.TEST"};
  lab::save_state(info);
  CHECK((std::filesystem::status(info.paths().state_file).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  const auto back = lab::load_state(tmp.path);
  CHECK(back.kdc_port == 40999);
  CHECK(back.kdc_pid == 4242);
  CHECK(back.password == "Secret123");
  CHECK(back.services == info.services);
  const auto doc = lab::to_document(back);
  CHECK(doc["command"] == "lab up");
  CHECK(doc["kdc"]["address"] == "127.0.0.1");
  CHECK(doc["paths"]["ccache"] == tmp.path + "/ccache");
  CHECK(doc["env"]["KRB5CCNAME"] == "FILE:" + tmp.path + "/ccache");
}

TEST_CASE("lab: a folder without lab.json is not a lab", "[lab][unit]") {
  authctx::test::TempDir tmp;
  try {
    lab::load_state(tmp.path);
    FAIL("load_state accepted a folder without lab.json");
  } catch (const authctx::util::Error& e) {
    CHECK(e.kind() == authctx::util::ErrorKind::setup);
    CHECK(e.error_class() == "lab_not_found");
    CHECK(std::string(e.what()).find("is not an authctx lab") != std::string::npos);
  }
  authctx::util::write_private_file(tmp.path + "/lab.json", "{\"schema\": \"something/else\"}");
  CHECK_THROWS_AS(lab::load_state(tmp.path), authctx::util::Error);
}

TEST_CASE("lab: a picked port is free, and a bound port is not", "[lab][unit]") {
  const auto port = lab::pick_free_port();
  CHECK(port > 0);
  CHECK(lab::port_is_free(port));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  CHECK_FALSE(lab::port_is_free(port));
  CHECK(lab::port_accepts(port));
  const auto use = lab::port_use(port, ::getpid());
  CHECK(use.tcp_listeners_of_pid == 1);
  CHECK(use.foreign_sockets == 0);
  ::close(fd);
}
