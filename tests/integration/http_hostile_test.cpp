// `authctx client --url` against a scripted hostile HTTP server (test support:
// support/hostile_http.hpp): every bad-peer case of the HTTP transport ends with its class,
// a next step on stderr and the contract's exit code (1: the peer refused us; 3: transport),
// within its time bound. Also `client --connect` against an HTTP server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "support/harness.hpp"
#include "support/hostile_http.hpp"
#include "support/pki.hpp"

using authctx::test::Background;
using authctx::test::HostileHttpPeer;
using authctx::test::Lab;
using authctx::test::PeerScript;
using nlohmann::json;
namespace peer = authctx::test::peer;
using namespace std::chrono_literals;

namespace {
struct Outcome {
  int exit_code;
  json doc;
  std::string err;
  double seconds;
};

Outcome run_against(const Lab& lab, const HostileHttpPeer& p, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"client", "--url", "http://localhost:" + std::to_string(p.port()) + "/private/",
                                "--format", "json"};
  if (std::find(extra.begin(), extra.end(), "--timeout") == extra.end()) extra.insert(extra.end(), {"--timeout", "2"});
  args.insert(args.end(), extra.begin(), extra.end());
  const auto started = std::chrono::steady_clock::now();
  const auto r = lab.run(args);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(r.out << r.err);
  auto doc = r.json();
  CHECK_THAT(r.err, Catch::Contains("; next: "));
  CHECK_FALSE(doc["error"]["hint"].get<std::string>().empty());
  return {r.exit_code, doc, r.err, seconds};
}

const std::string k_challenge = peer::response(401, {"WWW-Authenticate: Negotiate"});
}  // namespace

TEST_CASE("http hostile: a peer that is not HTTP", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send("SSH-2.0-OpenSSH_9.2\r\n"), peer::sleep(3s)}});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 3);
  CHECK(o.doc["error"]["class"] == "not_http");
  CHECK_THAT(o.doc["error"]["message"].get<std::string>(), Catch::Contains("SSH-2.0-OpenSSH_9.2"));
}

TEST_CASE("http hostile: a 401 that offers no scheme we can use", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(peer::response(401, {"WWW-Authenticate: Basic realm=\"x\"",
                                                                            "WWW-Authenticate: NTLM"}))}});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 1);
  CHECK(o.doc["error"]["class"] == "no_usable_scheme");
  CHECK_THAT(o.doc["error"]["message"].get<std::string>(), Catch::Contains("offers Basic, NTLM"));
  CHECK_THAT(o.doc["error"]["hint"].get<std::string>(), Catch::Contains("--mech ntlm"));
}

TEST_CASE("http hostile: a malformed WWW-Authenticate after our token", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(k_challenge), peer::read_request(),
                      peer::send(peer::response(401, {"WWW-Authenticate: Negotiate \"unclosed"}))}});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 3);
  CHECK(o.doc["error"]["class"] == "malformed_www_authenticate");
  CHECK_THAT(o.doc["error"]["message"].get<std::string>(), Catch::Contains("offset 10"));
  CHECK(o.doc["legs"].size() == 1);
}

TEST_CASE("http hostile: a token that is not base64", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(k_challenge), peer::read_request(),
                      peer::send(peer::response(401, {"WWW-Authenticate: Negotiate oRsw.GaAD"}))}});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 3);
  CHECK(o.doc["error"]["class"] == "malformed_token");
  CHECK_THAT(o.doc["error"]["message"].get<std::string>(), Catch::Contains("'.' at offset 4"));
}

TEST_CASE("http hostile: a 401 loop stops at the leg the server rejected", "[http][hostile]") {
  Lab lab;
  PeerScript loop;
  for (int i = 0; i < 6; ++i) {
    loop.push_back(peer::read_request());
    loop.push_back(peer::send(k_challenge));
  }
  HostileHttpPeer p({loop});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 1);
  CHECK(o.doc["error"]["class"] == "http_token_rejected");
  CHECK(o.doc["error"]["message"] ==
        "the server answered leg 1 with 401 and no Negotiate token: it rejected that token");
  CHECK(o.doc["transport"]["exchanges"].size() == 2);
  CHECK(p.requests().size() == 2);
}

TEST_CASE("http hostile: a 200 without the final token leaves the server unauthenticated", "[http][hostile]") {
  Lab lab;
  const PeerScript no_final_token{peer::read_request(), peer::send(k_challenge), peer::read_request(),
                                  peer::send(peer::response(200, {}, "hi")), peer::sleep(1s)};
  SECTION("mutual requested") {
    HostileHttpPeer p({no_final_token});
    const auto o = run_against(lab, p);
    CHECK(o.exit_code == 1);
    CHECK(o.doc["established"] == false);
    CHECK(o.doc["error"]["class"] == "mutual_auth_missing");
    CHECK(o.doc["error"]["message"] ==
          "the server answered 200 Status without a final token: it let the request in but never proved its identity "
          "to this client (mutual authentication was requested)");  // the scripted peer's reason phrase
    CHECK(o.doc["warnings"][0]["class"] == "mutual_auth_missing");
    CHECK(o.doc["transport"]["exchanges"][1]["status"] == 200);
  }
  SECTION("krb5 without mutual expects no token") {
    HostileHttpPeer p({no_final_token});
    const auto r = lab.run({"client", "--url", "http://localhost:" + std::to_string(p.port()) + "/private/", "--mech",
                            "krb5", "--no-mutual", "--format", "json", "--timeout", "2"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.json()["established"] == true);
    CHECK(r.json()["mech"]["name"] == "krb5");
  }
}

TEST_CASE("http hostile: --request --header and --data go out on every leg", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(k_challenge), peer::read_request(),
                      peer::send(peer::response(200, {}, "done")), peer::sleep(1s)}});
  const auto url = "http://localhost:" + std::to_string(p.port()) + "/private/";
  SECTION("POST by --data with curl's default content type") {
    const auto r = lab.run({"client", "--url", url, "--mech", "krb5", "--no-mutual", "--data", "a=b", "--header",
                            "X-Trace: 42", "--format", "json", "--timeout", "2"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    const auto requests = p.requests();
    REQUIRE(requests.size() == 2);
    for (const auto& q : requests) {
      CHECK(q.rfind("POST /private/ HTTP/1.1\r\n", 0) == 0);
      CHECK_THAT(q, Catch::Contains("\r\nX-Trace: 42\r\n"));
      CHECK_THAT(q, Catch::Contains("\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
      CHECK(q.substr(q.size() - 3) == "a=b");
    }
    CHECK_THAT(requests[1], Catch::Contains("\r\nAuthorization: Negotiate YII"));  // only Negotiate offered
    CHECK(r.json()["transport"]["exchanges"][1]["request"] == "POST /private/ HTTP/1.1");
  }
  SECTION("--request PUT with --data @FILE") {
    const auto body = lab.dir() + "/body.json";
    {
      std::ofstream f(body);
      f << R"({"k":1})";
    }
    const auto r =
        lab.run({"client", "--url", url, "--mech", "krb5", "--no-mutual", "--request", "PUT", "--data", "@" + body,
                 "--header", "Content-Type: application/json", "--format", "json", "--timeout", "2"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    const auto requests = p.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].rfind("PUT /private/ HTTP/1.1\r\n", 0) == 0);
    CHECK_THAT(requests[1], Catch::Contains("\r\nContent-Type: application/json\r\n"));
    CHECK_THAT(requests[1], !Catch::Contains("x-www-form-urlencoded"));
    CHECK(requests[1].substr(requests[1].size() - 7) == R"({"k":1})");
  }
}

TEST_CASE("http hostile: a header larger than --max-token-size", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(k_challenge), peer::read_request(),
                      peer::send(peer::response(401, {"WWW-Authenticate: Negotiate " + std::string(200000, 'A')})),
                      peer::sleep(3s)}});
  const auto o = run_against(lab, p, {"--max-token-size", "4096"});
  CHECK(o.exit_code == 3);
  CHECK(o.doc["error"]["class"] == "header_too_large");
  CHECK_THAT(o.doc["error"]["hint"].get<std::string>(), Catch::Contains("--max-token-size"));
}

TEST_CASE("http hostile: a silent server and a slow one end at --timeout", "[http][hostile]") {
  Lab lab;
  SECTION("silent") {
    HostileHttpPeer p({{peer::read_request(), peer::sleep(10s)}});
    const auto o = run_against(lab, p, {"--timeout", "1"});
    CHECK(o.exit_code == 3);
    CHECK(o.doc["error"]["class"] == "timeout");
    CHECK(o.seconds < 5);
  }
  SECTION("slow") {
    HostileHttpPeer p({{peer::read_request(), peer::send_slowly(k_challenge, 300ms)}});
    const auto o = run_against(lab, p, {"--timeout", "1"});
    CHECK(o.exit_code == 3);
    CHECK(o.doc["error"]["class"] == "timeout");
    CHECK(o.seconds < 5);
  }
}

TEST_CASE("http hostile: a connection closed between legs", "[http][hostile]") {
  Lab lab;
  HostileHttpPeer p({{peer::read_request(), peer::send(k_challenge), peer::read_request(), peer::close()},
                     {peer::read_request(), peer::close()}});
  const auto o = run_against(lab, p);
  CHECK(o.exit_code == 3);
  CHECK(o.doc["error"]["class"] == "empty_reply");
  CHECK(p.connections() == 2);  // the request was sent once more on a new connection
}

TEST_CASE("http hostile: a certificate for another name fails the TLS check with its subject", "[http][hostile][tls]") {
  Lab lab;
  authctx::test::Pki pki;
  const auto other = pki.issue("other", {.common_name = "other.test", .alt_names = {"DNS:other.test"}});
  Background server(
      {"server", "--listen", "127.0.0.1:0", "--framing", "http", "--tls-cert", other.cert, "--tls-key", other.key},
      lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--url", "https://localhost:" + std::to_string(port) + "/", "--cacert",
                          pki.ca_cert(), "--format", "json"});
  CHECK(r.exit_code == 3);
  CHECK(r.json()["error"]["class"] == "tls_name_mismatch");
  CHECK_THAT(r.json()["error"]["message"].get<std::string>(),
             Catch::Contains("subject \"CN=other.test,O=authctx test\""));
  // With --resolve the name the certificate carries reaches the same address and passes.
  const auto ok = lab.run({"client", "--url", "https://other.test:" + std::to_string(port) + "/", "--resolve",
                           "other.test:" + std::to_string(port) + ":127.0.0.1", "--cacert", pki.ca_cert(), "--target",
                           "HTTP@localhost", "--format", "json"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.json()["transport"]["tls"]["server_name"] == "other.test");
}

TEST_CASE("http hostile: client --connect against an HTTP server says to use --url", "[http][hostile]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--framing", "http"}, lab.env());
  const int port = server.wait_for_port();
  const auto started = std::chrono::steady_clock::now();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--format", "json"});
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(r.exit_code == 3);
  CHECK(r.json()["error"]["class"] == "peer_speaks_http");
  CHECK_THAT(r.err, Catch::Contains("--url http://"));
}
