// The server's connection model against real clients in a lab realm: NTLM and Kerberos on
// one --keytab server, silent connections that must not lock real clients out (and leave no
// descriptor behind), an immediate server_busy refusal when every slot and the queue are
// taken, and a client that waits for the server's HELLO before its first token.
#include <signal.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "support/harness.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::RawClient;
using nlohmann::json;

namespace {

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

std::vector<std::uint8_t> hello_frame() {
  const std::string hello = R"({"protocol":"authctx/1","messages":1})";
  std::vector<std::uint8_t> frame(5 + hello.size(), 0);
  frame[0] = 0xA1;
  frame[4] = static_cast<std::uint8_t>(hello.size());
  std::copy(hello.begin(), hello.end(), frame.begin() + 5);
  return frame;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int count_class(const std::vector<json>& docs, const std::string& cls) {
  int n = 0;
  for (const auto& d : docs)
    if (d.contains("error") && d["error"].is_object() && d["error"]["class"] == cls) ++n;
  return n;
}
}  // namespace

TEST_CASE("server: NTLM and Kerberos both work on one --keytab server", "[server][keytab][ntlm]") {
  Lab lab;
  Background server({"--format", "jsonl", "server", "--listen", "127.0.0.1:0", "--keytab", lab.path("keytab")},
                    lab.env());
  const int port = server.wait_for_port();
  struct Case {
    std::string mech;
    std::string ccache;  // empty: the lab's
    std::string expect_mech;
    std::size_t legs;
  };
  const std::vector<Case> cases{{"ntlm", "", "ntlm", 3},
                                {"krb5", "", "krb5", 2},
                                {"spnego", "", "krb5", 2},
                                {"spnego", "FILE:/nonexistent", "ntlm", 4}};  // no tickets: SPNEGO falls back
  for (const auto& c : cases) {
    INFO(c.mech << " " << c.ccache);
    authctx::util::Environment extra;
    if (!c.ccache.empty()) extra["KRB5CCNAME"] = c.ccache;
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", c.mech, "--format", "json"}, extra);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["established"] == true);
    CHECK(doc["mech"]["name"] == c.expect_mech);
    CHECK(doc["legs"].size() == c.legs);
    CHECK(doc["acceptor"]["source_name"].get<std::string>().find("alice") != std::string::npos);
    for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  }
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);  // it served all four and was still alive
  int results = 0;
  for (const auto& e : server.documents())
    if (e["event"] == "result") {
      ++results;
      CHECK(e["established"] == true);
    }
  CHECK(results == 4);
}

TEST_CASE("server: 100 silent connections neither lock a real client out nor leave descriptors behind",
          "[server][limits][hostile]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--timeout", "3", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  REQUIRE(lab.run({"client", "--connect", addr(port), "--mech", "krb5"}).exit_code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int fds_before = server.open_fds();
  std::vector<std::unique_ptr<RawClient>> silent;
  for (int i = 0; i < 100; ++i) silent.push_back(std::make_unique<RawClient>(port));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(server.open_fds() >= fds_before + 100);  // the server holds them all, waiting
  // A real client is served at once, not after the silent ones time out.
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--timeout", "10", "--format", "json"});
  const double took = seconds_since(t0);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["established"] == true);
  CHECK(took < 2.5);
  // The first-frame deadline (--timeout 3 here) ends the silent connections while their
  // clients still hold them open: the server's descriptors go back to where they were.
  std::this_thread::sleep_for(std::chrono::milliseconds(4000));
  CHECK(server.open_fds() <= fds_before);
  for (const auto& s : silent) CHECK(s->read_all(std::chrono::milliseconds(200)).empty());  // closed, nothing sent
  silent.clear();
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 102);
  CHECK(count_class(docs, "timeout") == 100);
  int established = 0;
  for (const auto& d : docs)
    if (d["established"] == true) ++established;
  CHECK(established == 2);
}

TEST_CASE("server: when every slot and the queue are taken a client is refused at once with server_busy",
          "[server][limits]") {
  Lab lab;
  Background server(
      {"server", "--listen", "127.0.0.1:0", "--max-connections", "1", "--timeout", "10", "--format", "json"},
      lab.env());
  const int port = server.wait_for_port();
  // One connection holds the slot (it sent its HELLO, then nothing), one waits for it.
  RawClient holder(port);
  holder.send(hello_frame());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawClient waiting(port);
  waiting.send(hello_frame());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--format", "json"});
  const double took = seconds_since(t0);
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(took < 3);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "peer_refused");
  CHECK(doc["error"]["message"].get<std::string>().find("server_busy") != std::string::npos);
  // Once the slot frees, clients are served again.
  holder.reset();
  waiting.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto again = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--format", "json"});
  CHECK(again.exit_code == 0);
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 4);
  CHECK(count_class(docs, "server_busy") == 1);
  for (const auto& d : docs)
    if (d["error"].is_object() && d["error"]["class"] == "server_busy") CHECK(d["error"]["stage"] == "transport");
}

TEST_CASE("server: a client that waits for the server's HELLO before its first token gets it", "[server][framing]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--timeout", "3", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  RawClient old_style(port);
  old_style.send(hello_frame());
  const auto reply = old_style.read_all(std::chrono::milliseconds(1500));
  REQUIRE(reply.size() > 5);
  CHECK(reply[0] == 0xA1);
  const std::string body(reply.begin() + 5, reply.end());
  CHECK(json::parse(body)["protocol"] == "authctx/1");
  CHECK(json::parse(body)["server"] == "authctx");
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
}
