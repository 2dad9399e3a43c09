// `authctx client` and `authctx server` over TCP loopback in a lab realm, in both framings,
// against each other and against MIT's gss-sample programs, plus hostile clients.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "lab/ports.hpp"
#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::Background;
using authctx::test::has;
using authctx::test::Lab;
using authctx::test::RawClient;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

// MIT's gss-server on a free loopback port, killed when the test ends.
struct MitServer {
  int port = 0;
  pid_t pid = -1;
  TempDir dir;
  explicit MitServer(const Lab& lab) {
    const auto prog = authctx::util::find_program("gss-server");
    if (!prog) {
      WARN("gss-server (krb5-gss-samples) is not installed");
      std::exit(77);
    }
    port = authctx::lab::pick_free_port();
    pid = authctx::util::spawn_background(
        {*prog, "-port", std::to_string(port), "-logfile", dir.path + "/log", "host@localhost"},
        authctx::util::current_environment(lab.env()), dir.path + "/out");
    for (int i = 0; i < 300; ++i) {  // bounded wait for its port
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(static_cast<std::uint16_t>(port));
      sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
      ::close(fd);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("gss-server did not start");
  }
  ~MitServer() {
    ::kill(pid, SIGKILL);
    authctx::util::wait_for_exit(pid, std::chrono::seconds(5));
  }
};

void check_both_views(const json& doc) {
  CHECK(doc["established"] == true);
  CHECK(doc["error"].is_null());
  CHECK(doc["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(doc["initiator"]["target_name"] == "host/localhost@AUTHCTX.TEST");
  REQUIRE(doc["acceptor"].is_object());
  CHECK(doc["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(doc["acceptor"]["locally_initiated"] == false);
  CHECK(has(doc["acceptor"]["flags"]["granted"], "mutual"));
  CHECK(doc["acceptor"]["session_key"]["enctype"]["id"] == 18);
  CHECK(doc["acceptor"]["session_key"]["base64"] == "[redacted]");
  REQUIRE(doc["messages"].size() == 6);
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  CHECK(doc["messages"][0]["direction"] == "initiator->acceptor");
  CHECK(doc["messages"][5]["direction"] == "acceptor->initiator");
}
}  // namespace

TEST_CASE("tcp: krb5 and spnego over the authctx framing show both sides' views", "[tcp][authctx]") {
  Lab lab;
  const auto mech = GENERATE(std::string("krb5"), std::string("spnego"));
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", mech, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "client");
  CHECK(doc["mech"]["oid"] == "1.2.840.113554.1.2.2");
  CHECK(doc["legs"].size() == 2);
  CHECK(doc["peer"] == addr(port));
  check_both_views(doc);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["command"] == "server");
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(docs[0]["legs"].size() == 2);
  CHECK(docs[0]["messages"].size() == 3);
}

TEST_CASE("tcp: with --messages 0 a --once server still ends cleanly", "[tcp][authctx]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--messages", "0", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["messages"].empty());
  CHECK(server.wait() == 0);
  CHECK(server.documents().at(0)["error"].is_null());
}

TEST_CASE("tcp: IPv6 loopback works", "[tcp][ipv6]") {
  Lab lab;
  Background server({"server", "--listen", "[::1]:0", "--once"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "[::1]:" + std::to_string(port), "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["peer"] == "[::1]:" + std::to_string(port));
  CHECK(server.wait() == 0);
}

TEST_CASE("tcp: authctx client against MIT gss-server in gss-sample framing", "[tcp][interop]") {
  Lab lab;
  MitServer mit(lab);
  const auto mech = GENERATE(std::string("krb5"), std::string("spnego"));
  const auto r = lab.run({"client", "--connect", addr(mit.port), "--framing", "gss-sample", "--mech", mech,
                          "--messages", "2", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["legs"].size() == 2);
  CHECK(doc["acceptor"].is_null());  // gss-sample carries no report
  REQUIRE(doc["messages"].size() == 4);
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  const auto count =
      lab.run({"client", "--connect", addr(mit.port), "--framing", "gss-sample", "--count", "20", "--format", "json"});
  REQUIRE(count.exit_code == 0);
  CHECK(count.json()["summary"]["established"] == 20);
}

TEST_CASE("tcp: MIT gss-client against authctx server in gss-sample framing", "[tcp][interop]") {
  Lab lab;
  const auto gss_client = authctx::util::find_program("gss-client");
  if (!gss_client) std::exit(77);
  Background server({"server", "--listen", "127.0.0.1:0", "--framing", "gss-sample", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  auto run_mit = [&](std::vector<std::string> extra) {
    authctx::util::RunOptions o;
    o.argv = {*gss_client, "-port", std::to_string(port)};
    o.argv.insert(o.argv.end(), extra.begin(), extra.end());
    o.argv.insert(o.argv.end(), {"localhost", "host@localhost", "hello from gss-client"});
    o.env = authctx::util::current_environment(lab.env());
    return authctx::util::run(o);
  };
  const auto many = run_mit({"-ccount", "20"});
  INFO(many.out << many.err);
  CHECK(many.exit_code == 0);
  CHECK(run_mit({"-spnego", "-d", "-seq"}).exit_code == 0);
  CHECK(run_mit({"-nomutual"}).exit_code == 0);
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 22);
  for (const auto& d : docs) {
    CHECK(d["established"] == true);
    CHECK(d["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  }
  // The -d run delegated; the -nomutual run is one leg.
  int delegated = 0, one_leg = 0;
  for (const auto& d : docs) {
    if (has(d["acceptor"]["flags"]["granted"], "deleg")) ++delegated;
    if (d["legs"].size() == 1) ++one_leg;
  }
  CHECK(delegated == 1);
  CHECK(one_leg == 1);
}

TEST_CASE("tcp: a delegated credential is reported and stored 0600", "[tcp][delegation]") {
  Lab lab;
  TempDir tmp;
  const auto store = tmp.path + "/delegated";
  Background server(
      {"server", "--listen", "127.0.0.1:0", "--once", "--store-delegated", "FILE:" + store, "--format", "json"},
      lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--delegate", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(has(doc["initiator"]["flags"]["granted"], "deleg"));
  CHECK(doc["warnings"].empty());
  REQUIRE(server.wait() == 0);
  const auto sdoc = server.documents().at(0);
  const auto& deleg = sdoc["acceptor"]["delegated_credentials"];
  REQUIRE(deleg.is_object());
  CHECK(deleg["principal"] == "alice@AUTHCTX.TEST");
  CHECK(deleg["stored_in"] == "FILE:" + store);
  CHECK(deleg["expires_at"].is_string());
  struct stat st {};
  REQUIRE(::stat(store.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The client sees the acceptor's report of it too.
  CHECK(doc["acceptor"]["delegated_credentials"]["principal"] == "alice@AUTHCTX.TEST");
}

TEST_CASE("tcp: channel bindings that match bind the context; a mismatch fails clearly", "[tcp][bindings]") {
  Lab lab;
  SECTION("match") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--channel-bindings", "tls-unique:abc"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--channel-bindings", "tls-unique:abc",
                            "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(has(r.json()["acceptor"]["flags"]["granted"], "channel_bound"));
    CHECK(server.wait() == 0);
  }
  SECTION("mismatch") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--channel-bindings", "hex:0102"}, lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run(
        {"client", "--connect", addr(port), "--mech", "krb5", "--channel-bindings", "hex:0103", "--format", "json"});
    CHECK(r.exit_code == 1);
    const auto doc = r.json();
    CHECK(doc["error"]["side"] == "acceptor");
    CHECK(doc["error"]["class"] == "channel_binding_mismatch");
    CHECK(doc["error"]["major"]["routine"] == "GSS_S_BAD_BINDINGS");
    CHECK(server.wait() == 1);
  }
}

TEST_CASE("tcp: a wrong service name fails on the client and the server hears why", "[tcp][errors]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run(
      {"client", "--connect", addr(port), "--mech", "krb5", "--target", "nosuch@localhost", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(r.json()["error"]["class"] == "service_principal_unknown");
  CHECK(r.json()["error"]["side"] == "initiator");
  CHECK(server.wait() == 1);
  const auto sdoc = server.documents().at(0);
  CHECK(sdoc["error"]["class"] == "service_principal_unknown");
  CHECK(sdoc["error"]["reported_by_peer"] == true);
}

TEST_CASE("tcp: a stale keytab shows the server's kvno error in the client's document", "[tcp][errors][keytab]") {
  Lab lab;
  // Rekey the service after the lab extracted its keytab: the KDC now issues kvno 3.
  lab.kadmin("cpw -randkey host/localhost");
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  const auto& e = doc["error"];
  CHECK(e["side"] == "acceptor");
  CHECK(e["reported_by_peer"] == true);
  CHECK(e["stage"] == "accept_sec_context");
  CHECK(e["class"] == "keytab_kvno_mismatch");
  CHECK(e["minor"]["text"].get<std::string>().find("kvno 3") != std::string::npos);
  // The acceptor's error token (a KRB-ERROR) reached the client as a leg.
  REQUIRE(doc["legs"].size() == 2);
  CHECK(doc["legs"][1]["direction"] == "acceptor->initiator");
  CHECK(server.wait() == 1);
}

TEST_CASE("tcp: a refused connection is a transport failure", "[tcp][errors]") {
  Lab lab;
  const auto r = lab.run({"client", "--connect", addr(authctx::lab::pick_free_port()), "--format", "json"});
  CHECK(r.exit_code == 3);
  CHECK(r.json()["error"]["class"] == "connection_refused");
  CHECK(r.err.find("cannot connect") != std::string::npos);
}

TEST_CASE("tcp: hostile clients lose only their own connection", "[tcp][hostile]") {
  Lab lab;
  Background server(
      {"server", "--listen", "127.0.0.1:0", "--timeout", "1", "--max-token-size", "65536", "--format", "json"},
      lab.env());
  const int port = server.wait_for_port();
  // A good client first, so the fd baseline includes everything a handshake opens.
  REQUIRE(lab.run({"client", "--connect", addr(port), "--timeout", "10"}).exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int fds_before = server.open_fds();
  {
    RawClient garbage(port);
    garbage.send({'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n', '\r', '\n'});
    garbage.read_all();
  }
  {
    RawClient huge(port);
    huge.send({0xA1, 0xFF, 0xFF, 0xFF, 0xFF});  // a 4 GiB hello
    huge.read_all();
  }
  {
    RawClient truncated(port);
    truncated.send({0xA1, 0x00, 0x00, 0x00, 0x40, '{', '"'});  // 64 bytes announced, 2 sent
    truncated.read_all(std::chrono::seconds(3));
  }
  {
    RawClient silent(port);
    silent.read_all(std::chrono::seconds(3));  // sends nothing: the server times out
  }
  {
    RawClient reset(port);
    const std::string hello = R"({"protocol":"authctx/1","messages":1})";
    std::vector<std::uint8_t> frame{0xA1, 0, 0, 0, static_cast<std::uint8_t>(hello.size())};
    frame.insert(frame.end(), hello.begin(), hello.end());
    reset.send(frame);
    reset.send({0xA2, 0x00, 0x00, 0x10});  // half a token header, then RST
    reset.reset();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto good = lab.run({"client", "--connect", addr(port), "--timeout", "10", "--format", "json"});
  REQUIRE(good.exit_code == 0);
  CHECK(good.json()["established"] == true);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(server.open_fds() <= fds_before);
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 7);
  std::vector<std::string> classes;
  for (const auto& d : docs)
    if (d["error"].is_object()) classes.push_back(d["error"]["class"].get<std::string>());
  CHECK(std::count(classes.begin(), classes.end(), "malformed_frame") == 1);
  CHECK(std::count(classes.begin(), classes.end(), "token_too_large") == 1);
  CHECK(std::count(classes.begin(), classes.end(), "timeout") >= 2);
  CHECK(classes.size() == 5);
}

TEST_CASE("tcp: 8 clients in parallel, 25 handshakes each, all established", "[tcp][load]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--max-connections", "8", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  std::vector<std::future<authctx::test::Run>> clients;
  for (int i = 0; i < 8; ++i)
    clients.push_back(std::async(std::launch::async, [&] {
      return lab.run_in_thread(
          {"client", "--connect", addr(port), "--count", "25", "--messages", "0", "--format", "json"});
    }));
  for (auto& c : clients) {
    const auto r = c.get();
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["summary"]["runs"] == 25);
    CHECK(doc["summary"]["established"] == 25);
    CHECK(doc["summary"]["min_ms"].get<double>() <= doc["summary"]["median_ms"].get<double>());
    CHECK(doc["summary"]["median_ms"].get<double>() <= doc["summary"]["p95_ms"].get<double>());
  }
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  CHECK(docs.size() == 200);
  for (const auto& d : docs) CHECK(d["error"].is_null());  // --messages 0 still ends with BYE/RESULTS
}

TEST_CASE("tcp: SIGTERM during a handshake stops the server cleanly", "[tcp][signals]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--timeout", "20", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  RawClient stalled(port);
  const std::string hello = R"({"protocol":"authctx/1","messages":1})";
  std::vector<std::uint8_t> frame{0xA1, 0, 0, 0, static_cast<std::uint8_t>(hello.size())};
  frame.insert(frame.end(), hello.begin(), hello.end());
  stalled.send(frame);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  CHECK(server.wait(std::chrono::seconds(15)) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
  const auto docs = server.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["established"] == false);
  CHECK(docs[0]["error"]["stage"] == "transport");
}

TEST_CASE("tcp: client --count reports a summary and the first failure", "[tcp][count]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", addr(port), "--count", "5", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["summary"]["runs"] == 5);
  CHECK(doc["summary"]["failed"] == 0);
  CHECK(doc["error"].is_null());
  const auto bad = lab.run({"client", "--connect", addr(port), "--count", "3", "--mech", "krb5", "--target",
                            "nosuch@localhost", "--format", "json"});
  CHECK(bad.exit_code == 1);
  const auto bdoc = bad.json();
  CHECK(bdoc["established"] == false);
  CHECK(bdoc["summary"]["failed"] == 3);
  CHECK(bdoc["first_failure"]["run"] == 1);
  CHECK(bdoc["error"]["class"] == "service_principal_unknown");
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}
