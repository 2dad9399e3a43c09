// Hostile peers for src/http. The client against a scripted hostile server (not HTTP,
// huge and endless headers, slow bytes, resets, silent servers, closes between requests,
// malformed WWW-Authenticate); the server against raw hostile clients (garbage, oversized
// headers and bodies, incomplete requests, many connections at once). Every case must end
// in a classified error within its bound, and the server must keep serving.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <atomic>
#include <thread>

#include "http/auth_header.hpp"
#include "support/harness.hpp"
#include "support/hostile_http.hpp"
#include "unit/http_fixtures.hpp"

using namespace authctx;
using namespace std::chrono_literals;
namespace peer = test::peer;
using test::HostileHttpPeer;
using test::PeerScript;
using test::TestServer;

namespace {
using Clock = std::chrono::steady_clock;

http::Client client_of(const HostileHttpPeer& p, std::chrono::milliseconds timeout = 2s) {
  auto o = test::client_for("http://127.0.0.1:" + std::to_string(p.port()) + "/");
  o.timeout = timeout;
  return http::Client(o);
}

std::string raw_text(const std::vector<std::uint8_t>& b) { return std::string(b.begin(), b.end()); }
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

const std::string k_401 = peer::response(401, {"WWW-Authenticate: Negotiate"});
}  // namespace

TEST_CASE("http hostile server: a reply that is not HTTP is named with its first bytes", "[http][hostile]") {
  SECTION("binary garbage") {
    HostileHttpPeer p({{peer::read_request(), peer::send(std::string("\x00\x01\xffgarbage", 10)), peer::sleep(3s)}});
    auto c = client_of(p);
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "not_http");
    CHECK_THAT(e.what(), Catch::Contains("\\x00\\x01\\xffgarbage"));
  }
  SECTION("an authctx framing server") {
    HostileHttpPeer p({{peer::read_request(), peer::send(std::string("\xa4\x00\x00\x00\x02{}", 7)), peer::close()}});
    auto c = client_of(p);
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "not_http");
    CHECK_THAT(e.hint(), Catch::Contains("--connect"));
  }
  SECTION("an SSH banner") {
    HostileHttpPeer p({{peer::send("SSH-2.0-OpenSSH_9.2\r\n"), peer::read_request()}});
    auto c = client_of(p);
    CHECK_THAT(test::exchange_error(c).hint(), Catch::Contains("SSH"));
  }
  SECTION("a short reply then close") {
    HostileHttpPeer p({{peer::read_request(), peer::send("OK"), peer::close()}});
    auto c = client_of(p);
    CHECK(test::exchange_error(c).error_class() == "not_http");
  }
}

TEST_CASE("http hostile server: no answer at all is an empty reply or a reset", "[http][hostile]") {
  SECTION("close after the request") {
    HostileHttpPeer p({{peer::read_request(), peer::close()}});
    auto c = client_of(p);
    CHECK(test::exchange_error(c).error_class() == "empty_reply");
  }
  SECTION("reset after the request") {
    HostileHttpPeer p({{peer::read_request(), peer::reset()}});
    auto c = client_of(p);
    CHECK(test::exchange_error(c).error_class() == "reset");
  }
  SECTION("close in the middle of the header") {
    HostileHttpPeer p({{peer::read_request(), peer::send("HTTP/1.1 401 Unauthorized\r\nWWW-Auth"), peer::close()}});
    auto c = client_of(p);
    CHECK(test::exchange_error(c).error_class() == "closed_early");
  }
  SECTION("close in the middle of the body") {
    HostileHttpPeer p(
        {{peer::read_request(), peer::send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"), peer::close()}});
    auto c = client_of(p);
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "closed_early");
    CHECK_THAT(e.what(), Catch::Contains("body"));
  }
}

TEST_CASE("http hostile server: huge and endless header blocks stop at the header limit", "[http][hostile]") {
  SECTION("one 100 KiB header") {
    HostileHttpPeer p(
        {{peer::read_request(),
          peer::send(peer::response(401, {"WWW-Authenticate: Negotiate " + std::string(100 * 1024, 'A')})),
          peer::sleep(2s)}});
    auto c = client_of(p);
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "header_too_large");
    CHECK_THAT(e.what(), Catch::Contains("65536 bytes"));
  }
  SECTION("header lines without end") {
    HostileHttpPeer p({{peer::read_request(), peer::endless_headers()}});
    auto c = client_of(p, 10s);
    const auto started = Clock::now();
    CHECK(test::exchange_error(c).error_class() == "header_too_large");
    CHECK(Clock::now() - started < 5s);
  }
  SECTION("a body over the body limit") {
    HostileHttpPeer p(
        {{peer::read_request(), peer::send("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n"), peer::sleep(2s)}});
    auto o = test::client_for("http://127.0.0.1:" + std::to_string(p.port()) + "/");
    o.max_body_bytes = 1024;
    http::Client c(o);
    CHECK(test::exchange_error(c).error_class() == "body_too_large");
  }
}

TEST_CASE("http hostile server: slow bytes and silence end at the timeout", "[http][hostile]") {
  SECTION("a response a byte at a time") {
    HostileHttpPeer p({{peer::read_request(), peer::send_slowly(k_401, 100ms)}});
    auto c = client_of(p, 700ms);
    const auto started = Clock::now();
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "timeout");
    CHECK(Clock::now() - started < 2s);
  }
  SECTION("a server that reads and never answers") {
    HostileHttpPeer p({{peer::read_request(), peer::sleep(5s)}});
    auto c = client_of(p, 500ms);
    const auto started = Clock::now();
    const auto e = test::exchange_error(c);
    CHECK(e.error_class() == "timeout");
    CHECK_THAT(e.hint(), Catch::Contains("--timeout"));
    CHECK(Clock::now() - started < 2s);
  }
}

TEST_CASE("http hostile server: a 401 loop stays on one connection and a close between legs reopens",
          "[http][hostile]") {
  SECTION("five 401s on one kept-alive connection") {
    PeerScript loop;
    for (int i = 0; i < 5; ++i) {
      loop.push_back(peer::read_request());
      loop.push_back(peer::send(peer::response(401, {"WWW-Authenticate: Negotiate YQ=="})));
    }
    HostileHttpPeer p({loop});
    auto c = client_of(p);
    for (int i = 0; i < 5; ++i) {
      http::ExchangeInfo info;
      const auto r = c.exchange({}, info);
      CHECK(r.status == 401);
      CHECK(info.connection == 1);
      CHECK(info.reused == (i > 0));
    }
    CHECK(p.connections() == 1);
  }
  SECTION("the server closes after the first 401") {
    HostileHttpPeer p({{peer::read_request(), peer::send(k_401), peer::close()},
                       {peer::read_request(), peer::send(peer::response(200, {}, "ok"))}});
    auto c = client_of(p);
    http::ExchangeInfo info;
    CHECK(c.exchange({}, info).status == 401);
    std::this_thread::sleep_for(300ms);  // the FIN arrives
    const auto r = c.exchange({}, info);
    CHECK(r.status == 200);
    CHECK(info.reopened);
    CHECK(info.connection == 2);
    CHECK_THAT(info.reopen_reason, Catch::Contains("closed the kept-alive connection"));
    CHECK(p.connections() == 2);
  }
}

TEST_CASE("http hostile server: malformed WWW-Authenticate values reach the parser intact", "[http][hostile][auth]") {
  HostileHttpPeer p({{peer::read_request(), peer::send(peer::response(401, {"WWW-Authenticate: Negotiate !!notbase64!!",
                                                                            "WWW-Authenticate: Basic realm=\"unclosed",
                                                                            "WWW-Authenticate: NTLM"}))}});
  auto c = client_of(p);
  http::ExchangeInfo info;
  const auto r = c.exchange({}, info);
  CHECK(r.status == 401);
  const auto parsed = http::parse_challenges(r.headers.all("WWW-Authenticate"));
  REQUIRE(parsed.items.size() == 3);
  CHECK(parsed.items[0].kind == http::AuthScheme::negotiate);
  CHECK_FALSE(parsed.items[0].token.has_value());  // "!!notbase64!!" is not even a token68
  REQUIRE(parsed.diagnostics.size() == 2);
  CHECK(parsed.diagnostics[0].field == 0);
  CHECK(parsed.diagnostics[0].offset == 10);
  CHECK(parsed.diagnostics[1].field == 1);
  CHECK(parsed.items[2].kind == http::AuthScheme::ntlm);
}

TEST_CASE("http hostile client: garbage gets 400 and the server keeps serving", "[http][hostile][server]") {
  TestServer server({}, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    return test::ok_text("fine");
  });
  {
    test::RawClient raw(server.port());
    raw.send(bytes(std::string("\x00\x01\x02garbage\r\n\r\n", 14)));
    const auto reply = raw_text(raw.read_all(5s));
    CHECK_THAT(reply, Catch::StartsWith("HTTP/1.1 400"));
    CHECK_THAT(reply, Catch::Contains("Connection: close"));
  }
  {
    test::RawClient raw(server.port());
    raw.send(bytes("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n"));
    CHECK_THAT(raw_text(raw.read_all(5s)), Catch::StartsWith("HTTP/1.1 400"));
  }
  {
    test::RawClient raw(server.port());  // an authctx framing HELLO
    raw.send({0xA1, 0x00, 0x00, 0x00, 0x02, '{', '}'});
    CHECK_THAT(raw_text(raw.read_all(5s)), Catch::StartsWith("HTTP/1.1 400"));
  }
  http::Client good(test::client_for("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  http::ExchangeInfo info;
  CHECK(good.exchange({}, info).body == "fine");
  const auto seen = server.wait_closed(3);
  CHECK(seen[0].closed->cls == "malformed_request");
  CHECK_THAT(seen[0].closed->message, Catch::Contains("\\x00\\x01\\x02garbage"));
  CHECK(seen[0].closed->status_sent == 400);
  CHECK(seen[1].closed->cls == "malformed_request");
  CHECK(seen[2].closed->cls == "malformed_request");
}

TEST_CASE("http hostile client: oversized headers and bodies get 431 and 413", "[http][hostile][server]") {
  http::ServerOptions o;
  o.max_header_bytes = 4096;
  o.max_body_bytes = 1000;
  TestServer server(o, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    return test::ok_text("fine");
  });
  {
    test::RawClient raw(server.port());
    raw.send(bytes("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Negotiate " + std::string(8000, 'A') + "\r\n\r\n"));
    CHECK_THAT(raw_text(raw.read_all(5s)), Catch::StartsWith("HTTP/1.1 431"));
  }
  {
    test::RawClient raw(server.port());
    raw.send(bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b')));
    CHECK_THAT(raw_text(raw.read_all(5s)), Catch::StartsWith("HTTP/1.1 413"));
  }
  const auto seen = server.wait_closed(2);
  CHECK(seen[0].closed->cls == "header_too_large");
  CHECK(seen[1].closed->cls == "body_too_large");
}

TEST_CASE("http hostile client: an incomplete request gets 408 and a silent one is closed", "[http][hostile][server]") {
  http::ServerOptions o;
  o.timeout = 300ms;
  TestServer server(o, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    return test::ok_text("fine");
  });
  test::RawClient partial(server.port());
  partial.send(bytes("GET / HTTP/1.1\r\nHost: x\r\n"));
  CHECK_THAT(raw_text(partial.read_all(3s)), Catch::StartsWith("HTTP/1.1 408"));
  test::RawClient silent(server.port());
  CHECK(silent.read_all(3s).empty());
  const auto seen = server.wait_closed(2);
  CHECK(seen[0].closed->cls == "timeout");
  CHECK(seen[1].closed->cls == "idle_timeout");
}

TEST_CASE("http hostile client: a reset mid-request ends only that connection", "[http][hostile][server]") {
  TestServer server({}, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    return test::ok_text("fine");
  });
  {
    test::RawClient raw(server.port());
    raw.send(bytes("GET / HTTP/1.1\r\nHo"));
    std::this_thread::sleep_for(100ms);
    raw.reset();
  }
  const auto seen = server.wait_closed(1);
  CHECK((seen[0].closed->cls == "reset" || seen[0].closed->cls == "closed_early"));
  http::Client good(test::client_for("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  http::ExchangeInfo info;
  CHECK(good.exchange({}, info).status == 200);
}

TEST_CASE("http server: one thread serves 64 concurrent connections within max-connections", "[http][server][load]") {
  http::ServerOptions o;
  o.max_connections = 16;
  o.threads = 1;
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  TestServer server(o, [&](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    const int now = ++in_flight;
    int prev = most.load();
    while (now > prev && !most.compare_exchange_weak(prev, now)) {}
    --in_flight;
    return test::ok_text("fine");
  });
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 64; ++i) {
    clients.emplace_back([&] {
      http::Client c(test::client_for("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
      for (int k = 0; k < 3; ++k) {
        http::ExchangeInfo info;
        try {
          if (c.exchange({}, info).status == 200 && info.connection == 1) ++ok;
        } catch (const util::Error&) {}
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok == 64 * 3);
  CHECK(most == 1);  // one thread: handlers never overlap
  const auto stats = server.server().stats();
  CHECK(stats.accepted == 64);
  CHECK(stats.peak_active <= 16);
  CHECK(stats.peak_active >= 2);
}

TEST_CASE("http server: stop closes idle connections at once and ends run", "[http][server]") {
  http::ServerOptions o;
  o.grace = 10s;
  auto server = std::make_unique<TestServer>(o, [](const http::Request&, const http::RequestInfo&,
                                                   const http::ConnectionInfo&) { return test::ok_text("fine"); });
  http::Client c(test::client_for("http://127.0.0.1:" + std::to_string(server->port()) + "/"));
  http::ExchangeInfo info;
  c.exchange({}, info);  // the connection now waits for its next request
  const auto started = Clock::now();
  server->stop();
  CHECK(Clock::now() - started < 2s);
  const auto seen = server->seen();
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].closed.has_value());
  CHECK(seen[0].closed->cls == "server_stopping");
}
