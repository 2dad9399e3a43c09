// An authctx server facing hostile clients, in both framings (issue 12): raw connections
// (tests/support/hostile.hpp) that send garbage, another protocol, a 4 GiB length, half a
// frame, nothing, one byte per second, a reset, random and malformed tokens, escape
// sequences and invalid UTF-8, a frame that never ends, deep and wrongly typed JSON; and a
// proxy that garbles a real client's per-message phase. Each hostile connection must end
// within a bound with an error document of a sensible class, and the server must go on
// serving a real client with as many file descriptors open as before.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/harness.hpp"
#include "support/hostile.hpp"

using authctx::test::Background;
using authctx::test::Bytes;
using authctx::test::HostileConn;
using authctx::test::Lab;
using authctx::test::Millis;
using authctx::test::RewritingProxy;
namespace h = authctx::test;
namespace wire = authctx::test::wire;

namespace {

using Clock = std::chrono::steady_clock;

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

struct Attack {
  std::string name;
  std::function<void(HostileConn&)> act;
  std::set<std::string> classes;  // the class the server's document for it has (any of)
};

// Each attack on a connection of its own; the server must close it within `bound`.
void attack_all(int port, const std::vector<Attack>& attacks, Millis bound) {
  for (const auto& a : attacks) {
    INFO("attack: " << a.name);
    auto c = HostileConn::connect_to(port);
    REQUIRE(c.ok());
    const auto start = Clock::now();
    a.act(c);
    c.wait_closed(bound);
    CHECK(Clock::now() - start < bound + Millis(1000));
  }
}

void check_good_client_and_fds(const Lab& lab, Background& server, int port, const std::string& framing,
                               int fds_before) {
  std::this_thread::sleep_for(Millis(300));
  const auto good =
      lab.run({"client", "--connect", addr(port), "--framing", framing, "--timeout", "10", "--format", "json"});
  INFO(good.out << good.err);
  REQUIRE(good.exit_code == 0);
  CHECK(good.json()["established"] == true);
  std::this_thread::sleep_for(Millis(300));
  CHECK(server.open_fds() <= fds_before);
}

// The classes of the server's documents, in order, after it stopped.
std::vector<std::string> stop_and_collect(Background& server) {
  server.signal(SIGTERM);
  REQUIRE(server.wait() == 0);
  std::vector<std::string> classes;
  for (const auto& d : server.documents())
    classes.push_back(d["error"].is_object() ? d["error"]["class"].get<std::string>() : std::string("ok"));
  return classes;
}

std::vector<Attack> common_attacks(bool sample) {
  const std::uint8_t token_type = sample ? 0x02 : wire::token;
  const Bytes opening = sample ? h::record(0x11, Bytes{}) : h::client_hello();
  std::vector<Attack> attacks;
  attacks.push_back({"garbage",
                     [](HostileConn& c) { c.send(h::random_bytes(300, 21)); },
                     {"malformed_frame", "token_too_large", "protocol_error", "closed_early"}});
  attacks.push_back({"another protocol",
                     [](HostileConn& c) { c.send(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); },
                     {"malformed_frame", "token_too_large", "protocol_error"}});
  attacks.push_back({"a 4 GiB length",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record_header(token_type, 0xFFFFFFFFU));
                     },
                     {"token_too_large"}});
  attacks.push_back({"truncation",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record_header(token_type, 64));
                       c.send(std::string("half"));
                       c.shutdown_write();
                     },
                     {"closed_early"}});
  attacks.push_back({"silence", [](HostileConn&) {}, {"timeout"}});
  attacks.push_back({"one byte per second",
                     [opening](HostileConn& c) { c.trickle(opening, Millis(1000), Millis(6000)); },
                     {"timeout"}});
  attacks.push_back({"a reset",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record_header(token_type, 16));
                       c.reset();
                     },
                     {"reset", "closed_early"}});
  attacks.push_back({"a random token",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record(token_type, h::random_bytes(200, 23)));
                     },
                     {"defective_token", "gss_failure"}});
  attacks.push_back({"a KRB-ERROR full of escape sequences",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record(token_type, h::krb_error_token(h::evil_text())));
                     },
                     // A KRB-ERROR where the acceptor expects an AP-REQ: MIT's acceptor
                     // rejects the token's ID (RFC 4121 §4.1) before any ticket.
                     {"protocol_error", "defective_token"}});
  attacks.push_back({"a frame that never ends",
                     [opening, token_type](HostileConn& c) {
                       c.send(opening);
                       c.send(h::record_header(token_type, 60000));
                       c.trickle(h::random_bytes(60000, 5), Millis(100), Millis(6000));
                     },
                     {"timeout"}});
  return attacks;
}

}  // namespace

TEST_CASE("hostile clients: an authctx-framing server ends each cleanly and keeps serving", "[hostile][tcp]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--timeout", "2", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  REQUIRE(lab.run({"client", "--connect", addr(port), "--timeout", "10"}).exit_code == 0);
  std::this_thread::sleep_for(Millis(300));
  const int fds_before = server.open_fds();

  auto attacks = common_attacks(false);
  attacks.push_back(
      {"a hello 60000 arrays deep",
       [](HostileConn& c) { c.send(h::record(wire::hello, R"({"protocol":)" + h::deep_json(60000) + "}")); },
       {"malformed_frame"}});
  attacks.push_back(
      {"a hello with wrongly typed messages",
       [](HostileConn& c) { c.send(h::record(wire::hello, R"({"protocol":"authctx/1","messages":"9"})")); },
       {"malformed_frame"}});
  attacks.push_back(
      {"a hello that is not UTF-8",
       [](HostileConn& c) { c.send(h::record(wire::hello, std::string("{\"protocol\":\"authctx/1\xff\"}"))); },
       {"malformed_frame"}});
  attacks.push_back(
      {"an ERROR frame full of escape sequences",
       [](HostileConn& c) {
         c.send(h::client_hello());
         c.send(
             h::record(wire::error, R"({"error":{"message":"\u001b[2J\u001b]0;pwned\u0007","class":"\u202eevil"}})"));
       },
       {"\xe2\x80\xae"
        "evil"}});
  attacks.push_back({"an ERROR frame with a number for its message",
                     [](HostileConn& c) {
                       c.send(h::client_hello());
                       c.send(h::record(wire::error, R"({"error":{"message":7}})"));
                     },
                     {"malformed_frame"}});
  attack_all(port, attacks, Millis(5000));
  check_good_client_and_fds(lab, server, port, "authctx", fds_before);

  const auto classes = stop_and_collect(server);
  // The first and the last document are the real clients'.
  REQUIRE(classes.size() == attacks.size() + 2);
  CHECK(classes.front() == "ok");
  CHECK(classes.back() == "ok");
  for (std::size_t i = 0; i < attacks.size(); ++i) {
    INFO("attack: " << attacks[i].name << " class: " << classes[i + 1]);
    CHECK(attacks[i].classes.count(classes[i + 1]) == 1);
  }
  CHECK(h::free_of_controls(server.err()));
}

TEST_CASE("hostile clients: a gss-sample server ends each cleanly and keeps serving", "[hostile][tcp][sample]") {
  Lab lab;
  Background server(
      {"server", "--listen", "127.0.0.1:0", "--framing", "gss-sample", "--timeout", "2", "--format", "json"},
      lab.env());
  const int port = server.wait_for_port();
  REQUIRE(lab.run({"client", "--connect", addr(port), "--framing", "gss-sample", "--timeout", "10"}).exit_code == 0);
  std::this_thread::sleep_for(Millis(300));
  const int fds_before = server.open_fds();
  const auto attacks = common_attacks(true);
  attack_all(port, attacks, Millis(5000));
  check_good_client_and_fds(lab, server, port, "gss-sample", fds_before);
  const auto classes = stop_and_collect(server);
  REQUIRE(classes.size() == attacks.size() + 2);
  for (std::size_t i = 0; i < attacks.size(); ++i) {
    INFO("attack: " << attacks[i].name << " class: " << classes[i + 1]);
    CHECK(attacks[i].classes.count(classes[i + 1]) == 1);
  }
  CHECK(h::free_of_controls(server.err()));
}

TEST_CASE("hostile clients: a garbled per-message phase fails the server's check in both framings",
          "[hostile][tcp][messages]") {
  Lab lab;
  for (const std::string framing : {"authctx", "gss-sample"}) {
    INFO("framing: " << framing);
    Background server(
        {"server", "--listen", "127.0.0.1:0", "--once", "--framing", framing, "--timeout", "3", "--format", "json"},
        lab.env());
    const int upstream = server.wait_for_port();
    // The client's first message after the handshake (authctx: its WRAP record; gss-sample:
    // the DATA|WRAPPED frame, the third record it sends) has its bytes flipped.
    const bool sample = framing == "gss-sample";
    RewritingProxy proxy(upstream, [sample](bool to_server, int index, const HostileConn::Record& rec) {
      Bytes payload = rec.payload;
      const bool target = to_server && (sample ? index == 2 : rec.type == wire::wrap);
      if (target)
        for (std::size_t i = payload.size() / 2; i < payload.size(); ++i) payload[i] ^= 0x5a;
      return h::record(rec.type, payload);
    });
    const auto start = Clock::now();
    const auto r = lab.run({"client", "--connect", addr(proxy.port()), "--framing", framing, "--messages", "1",
                            "--timeout", "5", "--format", "json"});
    INFO(r.out << r.err);
    CHECK(Clock::now() - start < std::chrono::seconds(15));
    CHECK(r.exit_code != 0);
    REQUIRE(server.wait(std::chrono::seconds(10)) >= 0);
    const auto docs = server.documents();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["established"] == true);
    REQUIRE(docs[0]["error"].is_object());
    CHECK(std::set<std::string>{"integrity_failure", "defective_token", "gss_failure"}.count(
              docs[0]["error"]["class"].get<std::string>()) == 1);
  }
}
