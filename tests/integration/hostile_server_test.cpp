// An authctx client pointed at hostile servers, in both framings (issue 12): scripted
// servers (tests/support/hostile.hpp) that send garbage, another protocol, a 4 GiB length,
// half a frame, nothing, one byte per second, a reset, random and malformed tokens, escape
// sequences and invalid UTF-8 in every string, a frame that never ends, deep and wrongly
// typed JSON; and a proxy that garbles a real server's per-message phase. Each case asserts
// the exit code, the error class in the client's document, that the client ended within a
// bound, and that no control character from the peer reached the terminal.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "support/harness.hpp"
#include "support/hostile.hpp"

using authctx::test::Background;
using authctx::test::Bytes;
using authctx::test::HostileConn;
using authctx::test::HostileServer;
using authctx::test::Lab;
using authctx::test::Millis;
using authctx::test::RewritingProxy;
namespace h = authctx::test;
namespace wire = authctx::test::wire;

namespace {

using Clock = std::chrono::steady_clock;

std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

struct Case {
  std::string name;
  HostileServer::Script script;
  int exit_code;
  std::set<std::string> classes;  // any of these
};

// A client hello read (authctx framing) or the gss-sample NOOP|CONTEXT_NEXT, then the script.
HostileServer::Script after_hello(HostileServer::Script then) {
  return [then](HostileConn& c) {
    if (!c.read_record(Millis(5000))) return;
    then(c);
  };
}

// Runs the client against one case; checks exit code, class, time and the terminal.
void run_case(const Lab& lab, const Case& c, const std::vector<std::string>& extra) {
  INFO("case: " << c.name);
  HostileServer server(c.script);
  std::vector<std::string> args{"client",    "--connect", addr(server.port()), "--mech", "krb5",
                                "--timeout", "2",         "--format",          "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto start = Clock::now();
  const auto r = lab.run(args);
  const auto took = std::chrono::duration_cast<Millis>(Clock::now() - start);
  INFO("stderr: " << r.err);
  CHECK(took < Millis(12000));
  CHECK(r.exit_code == c.exit_code);
  const auto doc = r.json();
  REQUIRE(doc["error"].is_object());
  const auto cls = doc["error"]["class"].get<std::string>();
  INFO("class: " << cls);
  CHECK(c.classes.count(cls) == 1);
  CHECK(h::free_of_controls(r.err));
}

std::vector<Case> common_cases(bool sample) {
  const std::uint8_t token_type = sample ? 0x02 : wire::token;  // gss-sample: TOKEN_CONTEXT
  std::vector<Case> cases;
  cases.push_back({"garbage",
                   after_hello([](HostileConn& c) { c.send(h::random_bytes(300, 7)); }),
                   3,
                   {"malformed_frame", "token_too_large", "protocol_error", "closed_early"}});
  cases.push_back({"another protocol",
                   [](HostileConn& c) {
                     c.send(std::string("SSH-2.0-OpenSSH_9.2\r\nHTTP/1.1 400 Bad Request\r\n\r\n"));
                     c.wait_closed(Millis(5000));
                   },
                   3,
                   {"malformed_frame", "token_too_large", "protocol_error"}});
  cases.push_back({"a 4 GiB length",
                   after_hello([token_type](HostileConn& c) {
                     c.send(h::record_header(token_type, 0xFFFFFFFFU));
                     c.wait_closed(Millis(5000));
                   }),
                   3,
                   {"token_too_large"}});
  cases.push_back({"truncation",
                   after_hello([token_type](HostileConn& c) {
                     c.send(h::record_header(token_type, 64));
                     c.send(std::string("half"));
                     c.shutdown_write();  // FIN, and read what the client sends (no RST)
                     c.wait_closed(Millis(5000));
                   }),
                   3,
                   {"closed_early"}});
  cases.push_back({"silence", [](HostileConn& c) { c.wait_closed(Millis(8000)); }, 3, {"timeout"}});
  cases.push_back({"one byte per second",
                   after_hello([token_type](HostileConn& c) {
                     c.trickle(h::record(token_type, h::random_bytes(40, 3)), Millis(1000), Millis(8000));
                   }),
                   3,
                   {"timeout"}});
  cases.push_back({"a reset", after_hello([](HostileConn& c) { c.reset(); }), 3, {"reset", "closed_early"}});
  cases.push_back({"a frame that never ends",
                   after_hello([token_type](HostileConn& c) {
                     c.send(h::record_header(token_type, 60000));
                     c.trickle(h::random_bytes(60000, 5), Millis(100), Millis(8000));
                   }),
                   3,
                   {"timeout"}});
  return cases;
}

}  // namespace

TEST_CASE("hostile servers: an authctx-framing client fails cleanly and in bounded time", "[hostile][tcp]") {
  Lab lab;
  auto cases = common_cases(false);
  const auto then_hello = [](Bytes frame) {
    return after_hello([frame](HostileConn& c) {
      c.send(h::server_hello());
      c.send(frame);
      c.wait_closed(Millis(5000));
    });
  };
  cases.push_back({"a random token",
                   then_hello(h::record(wire::token, h::random_bytes(200, 11))),
                   1,
                   {"defective_token", "gss_failure"}});
  cases.push_back({"a KRB-ERROR full of escape sequences",
                   then_hello(h::record(wire::token, h::krb_error_token(h::evil_text()))),
                   1,
                   {"keytab_no_matching_key"}});
  cases.push_back({"an ERROR frame 60000 arrays deep",
                   then_hello(h::record(wire::error, R"({"error":)" + h::deep_json(60000) + "}")),
                   3,
                   {"malformed_frame"}});
  cases.push_back({"a hello with a wrongly typed protocol",
                   after_hello([](HostileConn& c) { c.send(h::record(wire::hello, R"({"protocol":5})")); }),
                   3,
                   {"malformed_frame"}});
  cases.push_back({"an ACCEPTED frame with a string for a context",
                   then_hello(h::record(wire::accepted, R"({"established":true,"context":"yes"})")),
                   3,
                   {"malformed_frame"}});
  cases.push_back({"an ERROR frame that is not UTF-8",
                   then_hello(h::record(wire::error, std::string("{\"error\":{\"message\":\"\xff\xfe\"}}"))),
                   3,
                   {"malformed_frame"}});
  cases.push_back({"a RESULTS frame before any token",
                   then_hello(h::record(wire::results, R"({"messages":[{"kind":"wrap"}]})")),
                   3,
                   {"malformed_frame", "protocol_error"}});
  for (const auto& c : cases) run_case(lab, c, {});

  SECTION("escape sequences in a peer's error reach the terminal escaped") {
    const std::string evil = h::evil_text();
    const std::string body = std::string(R"({"error":{"message":")") + "\\u001b[2J\\u001b]0;pwned\\u0007" +
                             R"(","class":"\u001b[31mevil","hint":"\u202egnp"}})";
    HostileServer server(after_hello([body](HostileConn& c) {
      c.send(h::server_hello());
      c.send(h::record(wire::error, body));
      c.wait_closed(Millis(5000));
    }));
    const auto r = lab.run({"client", "--connect", addr(server.port()), "--timeout", "2", "--format", "text"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(h::free_of_controls(r.out));
    CHECK(h::free_of_controls(r.err));
    CHECK(r.out.find("pwned") != std::string::npos);  // shown, escaped, not dropped
  }
}

TEST_CASE("hostile servers: a gss-sample client fails cleanly and in bounded time", "[hostile][tcp][sample]") {
  Lab lab;
  auto cases = common_cases(true);
  cases.push_back({"a random token",
                   after_hello([](HostileConn& c) {
                     c.send(h::record(0x02, h::random_bytes(200, 13)));
                     c.wait_closed(Millis(5000));
                   }),
                   1,
                   {"defective_token", "gss_failure"}});
  cases.push_back({"a KRB-ERROR full of escape sequences",
                   after_hello([](HostileConn& c) {
                     c.send(h::record(0x02, h::krb_error_token(h::evil_text())));
                     c.wait_closed(Millis(5000));
                   }),
                   1,
                   {"keytab_no_matching_key"}});
  for (const auto& c : cases) run_case(lab, c, {"--framing", "gss-sample"});
}

TEST_CASE("hostile servers: a garbled per-message phase fails the message check in both framings",
          "[hostile][tcp][messages]") {
  Lab lab;
  for (const std::string framing : {"authctx", "gss-sample"}) {
    INFO("framing: " << framing);
    Background real({"server", "--listen", "127.0.0.1:0", "--once", "--framing", framing, "--format", "json"},
                    lab.env());
    const int upstream = real.wait_for_port();
    // The server's reply to the first message (authctx: a WRAP record; gss-sample: the MIC)
    // has its token's bytes flipped past the header.
    const bool sample = framing == "gss-sample";
    RewritingProxy proxy(upstream, [sample](bool to_server, int index, const HostileConn::Record& rec) {
      Bytes payload = rec.payload;
      const bool target = !to_server && (sample ? index == 1 : rec.type == wire::wrap || rec.type == wire::mic);
      if (target)
        for (std::size_t i = payload.size() / 2; i < payload.size(); ++i) payload[i] ^= 0x5a;
      return h::record(rec.type, payload);
    });
    const auto start = Clock::now();
    const auto r = lab.run({"client", "--connect", addr(proxy.port()), "--framing", framing, "--mech", "krb5",
                            "--messages", "1", "--timeout", "5", "--format", "json"});
    CHECK(Clock::now() - start < std::chrono::seconds(15));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    const auto doc = r.json();
    CHECK(doc["established"] == true);
    REQUIRE(doc["error"].is_object());
    CHECK(std::set<std::string>{"integrity_failure", "defective_token", "gss_failure"}.count(
              doc["error"]["class"].get<std::string>()) == 1);
    real.signal(SIGTERM);
    CHECK(real.wait() >= 0);
  }
}
