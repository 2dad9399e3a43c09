// src/http client against src/http server in one process, on loopback: keep-alive and
// reopen reporting, redirects, TLS with certificates the test makes (verification, name
// checks, --resolve, IP literals, the end-point hash seen by both sides), and the server's
// limits and error statuses.
#include <catch2/catch.hpp>

#include <thread>

#include "support/harness.hpp"
#include "support/pki.hpp"
#include "unit/http_fixtures.hpp"
#include "util/base64.hpp"

using namespace authctx;
using test::TestServer;

namespace {
test::Responder echo_index() {
  return [](const http::Request& r, const http::RequestInfo& info, const http::ConnectionInfo& c) {
    auto resp = test::ok_text("connection " + std::to_string(c.id) + " request " + std::to_string(info.index) + " " +
                              r.method + " " + r.target);
    return resp;
  };
}

void require_openssl() {
  if (!util::find_program("openssl") || !util::find_program("faketime")) {
    WARN("openssl or faketime not installed: skipping");
    std::exit(77);
  }
}

http::ServerOptions tls_options(const test::IssuedCert& cert) {
  http::ServerOptions o;
  o.tls_cert = cert.cert;
  o.tls_key = cert.key;
  return o;
}

std::string url(int port, const std::string& host = "127.0.0.1", const std::string& scheme = "http") {
  return scheme + "://" + host + ":" + std::to_string(port) + "/p?q=1";
}
}  // namespace

TEST_CASE("http client: keep-alive carries several requests on one connection", "[http][client]") {
  TestServer server({}, echo_index());
  http::Client client(test::client_for(url(server.port())));
  for (int i = 1; i <= 3; ++i) {
    http::ExchangeInfo info;
    http::Request req;
    req.target = "/p?q=" + std::to_string(i);
    req.headers.add("X-Test", "yes");
    const auto resp = client.exchange(req, info);
    CHECK(resp.status == 200);
    CHECK(resp.body == "connection 1 request " + std::to_string(i) + " GET /p?q=" + std::to_string(i));
    CHECK(info.connection == 1);
    CHECK(info.reused == (i > 1));
    CHECK_FALSE(info.reopened);
    CHECK(info.peer == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(info.request_bytes > 0);
  }
  client.close();
  const auto seen = server.wait_closed(1);
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].requests.size() == 3);
  CHECK(seen[0].requests[0].headers.first("X-Test") == "yes");
  CHECK(seen[0].requests[0].headers.first("Host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen[0].requests[0].headers.first("User-Agent") == "authctx");
  CHECK(seen[0].closed->cls == "peer_closed");
  CHECK(seen[0].closed->requests == 3);
}

TEST_CASE("http client: a POST body arrives and a server close forces a reopen with its reason", "[http][client]") {
  TestServer server({}, [](const http::Request& r, const http::RequestInfo& info, const http::ConnectionInfo&) {
    auto resp = test::ok_text(r.body);
    resp.close_after = info.index == 1;
    return resp;
  });
  http::Client client(test::client_for(url(server.port())));
  http::Request post;
  post.method = "POST";
  post.body = "hello";
  http::ExchangeInfo first;
  const auto r1 = client.exchange(post, first);
  CHECK(r1.body == "hello");
  CHECK_FALSE(r1.keep_alive);
  CHECK_FALSE(client.is_open());
  http::ExchangeInfo second;
  client.exchange({}, second);
  CHECK(second.connection == 2);
  CHECK(second.reopened);
  CHECK_FALSE(second.reused);
  CHECK(second.reopen_reason == "the server answered with Connection: close");
  const auto seen = server.wait_closed(1);
  CHECK(seen[0].closed->cls == "closed_by_handler");
}

TEST_CASE("http client: a kept-alive connection the server closed while idle is reopened", "[http][client]") {
  http::ServerOptions o;
  o.timeout = std::chrono::milliseconds(200);
  TestServer server(o, echo_index());
  http::Client client(test::client_for(url(server.port())));
  http::ExchangeInfo info;
  client.exchange({}, info);
  server.wait_closed(1);  // the server's idle timeout ends the connection
  const auto seen = server.seen();
  CHECK(seen[0].closed->cls == "idle_timeout");
  const auto resp = client.exchange({}, info);
  CHECK(resp.body == "connection 2 request 1 GET /");
  CHECK(info.reopened);
  CHECK(info.connection == 2);
  CHECK_THAT(info.reopen_reason, Catch::Contains("closed the kept-alive connection"));
}

TEST_CASE("http client: a redirect is returned with its Location and not followed", "[http][client]") {
  TestServer server({}, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    http::Response r;
    r.status = 302;
    r.headers.add("Location", "/elsewhere");
    return r;
  });
  http::Client client(test::client_for(url(server.port())));
  http::ExchangeInfo info;
  const auto resp = client.exchange({}, info);
  CHECK(resp.status == 302);
  CHECK(resp.redirect());
  CHECK(resp.headers.first("Location") == "/elsewhere");
  CHECK(server.seen().at(0).requests.size() == 1);
}

TEST_CASE("http client: connection refused and a silent server are bounded transport errors", "[http][client]") {
  int port = 0;
  {
    TestServer gone({}, echo_index());
    port = gone.port();
  }
  http::Client refused(test::client_for(url(port)));
  CHECK(test::exchange_error(refused).error_class() == "connection_refused");

  // A listener that never accepts: the connect completes (backlog) and the request is never read.
  TestServer slow({}, [](const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return test::ok_text("late");
  });
  auto o = test::client_for(url(slow.port()));
  o.timeout = std::chrono::milliseconds(300);
  http::Client client(o);
  const auto started = std::chrono::steady_clock::now();
  const auto e = test::exchange_error(client);
  CHECK(e.error_class() == "timeout");
  CHECK(e.kind() == util::ErrorKind::transport);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1200));
}

TEST_CASE("http tls: the client verifies the test CA and both sides see the same end-point hash", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  const auto cert = pki.issue("localhost");
  TestServer server(tls_options(cert), echo_index());
  auto o = test::client_for(url(server.port(), "localhost", "https"));
  o.cacert = pki.ca_cert();
  http::Client client(o);
  http::ExchangeInfo info;
  const auto resp = client.exchange({}, info);
  CHECK(resp.status == 200);
  const auto* tls = client.tls();
  REQUIRE(tls != nullptr);
  CHECK(tls->verified);
  CHECK(tls->server_name == "localhost");
  CHECK_THAT(tls->version, Catch::StartsWith("TLSv1."));
  CHECK_FALSE(tls->cipher.empty());
  CHECK(tls->certificate.subject == "CN=localhost,O=authctx test");
  CHECK(tls->certificate.issuer == "CN=authctx test CA,O=authctx test");
  const auto fingerprint = test::openssl_fingerprint(cert.cert, "sha256");
  CHECK(util::hex_encode(tls->certificate.end_point_hash) == fingerprint);
  REQUIRE(server.server().certificate().has_value());
  CHECK(server.server().certificate()->end_point_hash == tls->certificate.end_point_hash);
  client.close();
  const auto seen = server.wait_closed(1);
  REQUIRE(seen[0].info.tls_session.has_value());
  CHECK(seen[0].info.sni == "localhost");
  CHECK(seen[0].info.tls_session->certificate.end_point_hash == tls->certificate.end_point_hash);
  CHECK(seen[0].info.tls_session->version == tls->version);
}

TEST_CASE("http tls: an untrusted certificate names its subject and issuer", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  TestServer server(tls_options(pki.issue("localhost")), echo_index());
  http::Client client(test::client_for(url(server.port(), "localhost", "https")));  // system CA store only
  const auto e = test::exchange_error(client);
  CHECK(e.error_class() == "tls_untrusted_certificate");
  CHECK_THAT(e.what(), Catch::Contains("subject \"CN=localhost,O=authctx test\""));
  CHECK_THAT(e.what(), Catch::Contains("issuer \"CN=authctx test CA,O=authctx test\""));
  CHECK_THAT(e.hint(), Catch::Contains("--cacert"));
  const auto seen = server.wait_closed(1);
  CHECK(seen[0].closed->cls == "tls_handshake_failed");
  CHECK_THAT(seen[0].closed->message, Catch::Contains("unknown ca"));
}

TEST_CASE("http tls: a certificate for another name is a name mismatch unless --resolve keeps that name",
          "[http][tls][resolve]") {
  require_openssl();
  test::Pki pki;
  const auto other = pki.issue("other", {.common_name = "other.test", .alt_names = {"DNS:other.test"}});
  TestServer server(tls_options(other), echo_index());
  {
    auto o = test::client_for(url(server.port(), "localhost", "https"));
    o.cacert = pki.ca_cert();
    http::Client client(o);
    const auto e = test::exchange_error(client);
    CHECK(e.error_class() == "tls_name_mismatch");
    CHECK_THAT(e.what(), Catch::Contains("does not name localhost"));
    CHECK_THAT(e.what(), Catch::Contains("DNS:other.test"));
  }
  auto o = test::client_for(url(server.port(), "other.test", "https"));
  o.cacert = pki.ca_cert();
  o.connect_addresses = {"127.0.0.1"};
  http::Client client(o);
  http::ExchangeInfo info;
  CHECK(client.exchange({}, info).status == 200);
  CHECK(client.tls()->verified);
  CHECK(client.tls()->server_name == "other.test");
  client.close();
  const auto seen = server.wait_closed(2);
  CHECK(seen[1].info.sni == "other.test");
  CHECK(seen[1].requests.at(0).headers.first("Host") == "other.test:" + std::to_string(server.port()));
}

TEST_CASE("http tls: an IP literal sends no SNI and is checked against the IP names", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  TestServer server(tls_options(pki.issue("localhost")), echo_index());
  auto o = test::client_for(url(server.port(), "127.0.0.1", "https"));
  o.cacert = pki.ca_cert();
  http::Client client(o);
  http::ExchangeInfo info;
  CHECK(client.exchange({}, info).status == 200);
  CHECK(client.tls()->server_name.empty());
  client.close();
  CHECK(server.wait_closed(1)[0].info.sni.empty());
}

TEST_CASE("http tls: an expired certificate fails and --insecure still records it", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  TestServer server(tls_options(pki.issue("old", {.expired = true})), echo_index());
  auto o = test::client_for(url(server.port(), "localhost", "https"));
  o.cacert = pki.ca_cert();
  {
    http::Client client(o);
    const auto e = test::exchange_error(client);
    CHECK(e.error_class() == "tls_certificate_expired");
    // Made under faketime at 2020-01-01 00:00:00, give or take the second openssl took.
    CHECK_THAT(e.what(), Catch::Contains("valid 2020-01-01T00:00:0"));
    CHECK_THAT(e.what(), Catch::Contains("to 2020-01-02T00:00:0"));
  }
  o.insecure = true;
  http::Client client(o);
  http::ExchangeInfo info;
  CHECK(client.exchange({}, info).status == 200);
  REQUIRE(client.tls() != nullptr);
  CHECK_FALSE(client.tls()->verified);
  CHECK_THAT(client.tls()->certificate.not_after, Catch::StartsWith("2020-01-02T00:00:0"));
}

TEST_CASE("http tls: https to a plain port and http to a TLS port are named as such", "[http][tls]") {
  require_openssl();
  test::Pki pki;
  TestServer plain({}, echo_index());
  auto o = test::client_for(url(plain.port(), "localhost", "https"));
  o.cacert = pki.ca_cert();
  http::Client tls_client(o);
  const auto e = test::exchange_error(tls_client);
  CHECK(e.error_class() == "tls_not_tls");
  CHECK_THAT(e.hint(), Catch::Contains("http://"));
  CHECK(plain.wait_closed(1)[0].closed->cls == "tls_on_plain_port");

  TestServer secure(tls_options(pki.issue("localhost")), echo_index());
  http::Client plain_client(test::client_for(url(secure.port(), "localhost", "http")));
  http::ExchangeInfo info;
  const auto resp = plain_client.exchange({}, info);
  CHECK(resp.status == 400);
  CHECK_THAT(resp.body, Catch::Contains("use https://"));
  const auto seen = secure.wait_closed(1);
  CHECK(seen[0].closed->cls == "not_tls");
  CHECK(seen[0].closed->status_sent == 400);
}
