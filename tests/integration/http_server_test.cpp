// `authctx server --framing http` in a lab realm: curl --negotiate against it (plain and
// https, with and without a ticket), authctx client against it (NTLM scheme, raw NTLM under
// Negotiate), channel bindings matched, omitted (with and without
// --require-channel-bindings) and mismatched through a TLS-terminating Apache hop, malformed
// requests, and --once.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>

#include "support/apache.hpp"
#include "support/curl.hpp"
#include "support/harness.hpp"
#include "support/pki.hpp"
#include "util/process.hpp"

using authctx::test::Background;
using authctx::test::has;
using authctx::test::Lab;
using authctx::test::RawClient;
using nlohmann::json;

namespace {
void require_curl() {
  if (!authctx::test::curl_available()) {
    WARN("curl not installed: skipping");
    std::exit(77);
  }
}

std::vector<std::string> server_args(std::vector<std::string> extra) {
  std::vector<std::string> a{"server", "--listen", "127.0.0.1:0", "--framing", "http", "--format", "json"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// curl's environment: the lab's configuration, with alice's ticket or without any.
authctx::util::Environment curl_env(const Lab& lab, bool ticket) {
  auto env = lab.env();
  if (!ticket) env["KRB5CCNAME"] = "FILE:" + lab.dir() + "/none";
  return env;
}

// The server's documents once n were written (bounded wait), then the server is stopped; in
// connection (accept) order, as a connection's document is written when its authentication or
// the connection ends, which may come after the next connection's.
std::vector<json> documents(Background& server, std::size_t n) {
  for (int i = 0; i < 3000 && server.documents().size() < n; ++i) usleep(10000);  // 30 s: ASan on a busy machine
  server.signal(SIGTERM);
  CHECK(server.wait() == 0);
  auto docs = server.documents();
  std::stable_sort(docs.begin(), docs.end(),
                   [](const json& a, const json& b) { return a.value("connection", 0) < b.value("connection", 0); });
  return docs;
}

bool warned(const json& doc, const std::string& cls) {
  for (const auto& w : doc["warnings"])
    if (w["class"] == cls) return true;
  return false;
}
}  // namespace

TEST_CASE("http server: curl --negotiate with a ticket is seen as SPNEGO krb5", "[http][server][curl]") {
  require_curl();
  Lab lab;
  Background server(server_args({}), lab.env());
  const int port = server.wait_for_port();
  const auto url = "http://localhost:" + std::to_string(port) + "/private/";
  const auto curl = authctx::test::run_curl({"--negotiate", "-u", ":", url}, curl_env(lab, true));
  INFO(curl.body << curl.err << server.err());
  CHECK(curl.status == 200);
  const auto body = json::parse(curl.body);
  CHECK(body["established"] == true);
  CHECK(body["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  const auto& doc = docs[0];
  CHECK(doc["established"] == true);
  CHECK(doc["mech"]["name"] == "krb5");
  CHECK(doc["legs"][0]["decoded"]["type"] == "gss.initial_context_token");
  CHECK(doc["legs"][0]["transport"]["authorization"] ==
        "Negotiate <" + std::to_string(doc["legs"][0]["length"].get<int>()) + " bytes>");
  CHECK_THAT(doc["transport"]["requests"][0]["user_agent"].get<std::string>(), Catch::StartsWith("curl/"));
  CHECK(doc["transport"]["requests"][0]["host"] == "localhost:" + std::to_string(port));
  CHECK(doc["transport"]["channel_bindings"]["expected"] == false);
  CHECK(doc["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
}

TEST_CASE("http server: a Python urllib client with python3-gssapi authenticates and verifies the server",
          "[http][server][python]") {
  authctx::util::RunOptions probe;
  probe.argv = {"/usr/bin/python3", "-c", "import gssapi"};
  if (authctx::util::run(probe).exit_code != 0) {
    WARN("python3-gssapi not installed: skipping");
    std::exit(77);
  }
  Lab lab;
  Background server(server_args({}), lab.env());
  const int port = server.wait_for_port();
  authctx::util::RunOptions o;
  o.argv = {"/usr/bin/python3", std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/http/gssapi_client.py",
            "http://localhost:" + std::to_string(port) + "/app"};
  o.env = lab.env();
  o.timeout = std::chrono::seconds(30);
  const auto py = authctx::util::run(o);
  INFO(py.out << py.err << server.err());
  REQUIRE(py.exit_code == 0);
  const auto out = json::parse(py.out);
  CHECK(out["statuses"] == json::array({401, 200}));
  CHECK(out["complete"] == true);  // the server's final token passed python-gssapi's mutual check
  CHECK(out["body"]["acceptor"]["source_name"] == "alice@AUTHCTX.TEST");
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["mech"]["name"] == "krb5");
  CHECK(docs[0]["legs"][0]["decoded"]["type"] == "gss.initial_context_token");
  CHECK_THAT(docs[0]["transport"]["requests"][0]["user_agent"].get<std::string>(), Catch::StartsWith("Python-urllib/"));
}

TEST_CASE("http server: curl without a ticket shows the NTLM fallback inside SPNEGO", "[http][server][curl][ntlm]") {
  require_curl();
  Lab lab;
  Background server(server_args({}), lab.env());
  const int port = server.wait_for_port();
  const auto curl = authctx::test::run_curl(
      {"--negotiate", "-u", ":", "http://localhost:" + std::to_string(port) + "/"}, curl_env(lab, false));
  INFO(curl.body << curl.err << server.err());
  CHECK(curl.status == 200);
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["mech"]["name"] == "ntlm");
  CHECK(docs[0]["legs"].size() == 4);
  CHECK(warned(docs[0], "ntlm_fallback"));
}

TEST_CASE("http server: curl over https sends no channel bindings and --require-channel-bindings refuses it",
          "[http][server][curl][tls]") {
  require_curl();
  Lab lab;
  authctx::test::Pki pki;
  const auto cert = pki.issue("server");
  SECTION("bindings expected but not required") {
    Background server(server_args({"--tls-cert", cert.cert, "--tls-key", cert.key}), lab.env());
    const int port = server.wait_for_port();
    const auto curl = authctx::test::run_curl(
        {"--negotiate", "-u", ":", "--cacert", pki.ca_cert(), "https://localhost:" + std::to_string(port) + "/"},
        curl_env(lab, true));
    INFO(curl.err << server.err());
    CHECK(curl.status == 200);
    const auto docs = documents(server, 1);
    REQUIRE(docs.size() == 1);
    const auto& t = docs[0]["transport"];
    CHECK(t["tls"]["certificate"]["subject"] == "CN=localhost,O=authctx test");
    CHECK(t["tls"]["server_name"] == "localhost");
    CHECK(t["channel_bindings"]["expected"] == true);
    CHECK(t["channel_bindings"]["type"] == "tls-server-end-point");
    CHECK(t["channel_bindings"]["sent"] == false);
    CHECK(t["channel_bindings"]["matched"].is_null());
  }
  SECTION("bindings required") {
    Background server(server_args({"--tls-cert", cert.cert, "--tls-key", cert.key, "--require-channel-bindings"}),
                      lab.env());
    const int port = server.wait_for_port();
    const auto curl = authctx::test::run_curl(
        {"--negotiate", "-u", ":", "--cacert", pki.ca_cert(), "https://localhost:" + std::to_string(port) + "/"},
        curl_env(lab, true));
    CHECK(curl.status == 401);
    CHECK(json::parse(curl.body)["error"]["class"] == "channel_bindings_missing");
    const auto docs = documents(server, 1);
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["established"] == false);
    CHECK(docs[0]["error"]["class"] == "channel_bindings_missing");
    CHECK_THAT(docs[0]["error"]["hint"].get<std::string>(), Catch::Contains("tls-server-end-point"));
  }
}

TEST_CASE("http server: authctx client and server over https match their channel bindings",
          "[http][server][tls][bindings]") {
  Lab lab;
  authctx::test::Pki pki;
  const auto cert = pki.issue("server");
  Background server(server_args({"--tls-cert", cert.cert, "--tls-key", cert.key, "--require-channel-bindings"}),
                    lab.env());
  const int port = server.wait_for_port();
  const auto url = "https://localhost:" + std::to_string(port) + "/";
  const auto r = lab.run({"client", "--url", url, "--cacert", pki.ca_cert(), "--format", "json"});
  INFO(r.out << r.err << server.err());
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["transport"]["channel_bindings"]["sent"] == true);
  CHECK(has(doc["acceptor"]["flags"]["granted"], "channel_bound"));  // the server's report
  const auto text =
      lab.run({"client", "--url", url, "--cacert", pki.ca_cert(), "--format", "text", "--color", "never"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("\nHTTP\n"));
  CHECK_THAT(text.out, Catch::Contains("→ 200 OK WWW-Authenticate: Negotiate <"));
  CHECK_THAT(text.out, Catch::Contains("tls               TLSv1."));
  CHECK_THAT(text.out, Catch::Contains("channel bindings  tls-server-end-point (sha256), sent"));
  const auto omitted =
      lab.run({"client", "--url", url, "--cacert", pki.ca_cert(), "--no-channel-bindings", "--format", "json"});
  CHECK(omitted.exit_code == 1);
  CHECK(omitted.json()["error"]["class"] == "channel_bindings_missing");
  CHECK(omitted.json()["transport"]["channel_bindings"]["sent"] == false);
  const auto docs = documents(server, 3);
  REQUIRE(docs.size() == 3);
  CHECK(docs[0]["transport"]["channel_bindings"]["sent"] == true);
  CHECK(docs[0]["transport"]["channel_bindings"]["matched"] == true);
  CHECK(docs[2]["transport"]["channel_bindings"]["sent"] == false);
  CHECK(docs[2]["error"]["class"] == "channel_bindings_missing");
}

TEST_CASE("http server: omitted bindings are accepted without --require-channel-bindings",
          "[http][server][tls][bindings]") {
  Lab lab;
  authctx::test::Pki pki;
  const auto cert = pki.issue("server");
  Background server(server_args({"--tls-cert", cert.cert, "--tls-key", cert.key}), lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--url", "https://localhost:" + std::to_string(port) + "/", "--cacert",
                          pki.ca_cert(), "--no-channel-bindings", "--format", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.json()["transport"]["channel_bindings"]["reason"] == "--no-channel-bindings");
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["established"] == true);
  CHECK(docs[0]["transport"]["channel_bindings"]["sent"] == false);
  CHECK_FALSE(has(docs[0]["acceptor"]["flags"]["granted"], "channel_bound"));
}

TEST_CASE("http server: bindings of another certificate through a TLS-terminating hop do not match",
          "[http][server][tls][bindings][apache]") {
  if (!authctx::test::Apache::available()) {
    WARN("apache2 not installed: skipping");
    std::exit(77);
  }
  Lab lab;
  authctx::test::Pki pki;
  const auto backend = pki.issue("backend");
  const auto front = pki.issue("front");
  Background server(server_args({"--tls-cert", backend.cert, "--tls-key", backend.key}), lab.env());
  const int port = server.wait_for_port();
  authctx::test::ApacheOptions o;
  o.keytab = lab.path("keytab");
  o.krb5_conf = lab.path("krb5_conf");
  o.ntlm_user_file = lab.path("ntlm_user_file");
  o.tls_cert = front.cert;
  o.tls_key = front.key;
  o.proxy_to = "https://127.0.0.1:" + std::to_string(port) + "/";
  authctx::test::Apache hop(o);
  const auto r = lab.run({"client", "--url", hop.url("/proxy/x"), "--cacert", pki.ca_cert(), "--format", "json"});
  INFO(r.out << r.err << hop.error_log() << server.err());
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "channel_binding_mismatch");
  // The client bound to the hop's certificate, not the server's.
  CHECK(doc["transport"]["tls"]["certificate"]["sha256_fingerprint"] ==
        authctx::test::openssl_fingerprint(front.cert, "sha256"));
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["error"]["class"] == "channel_binding_mismatch");
  CHECK(docs[0]["transport"]["channel_bindings"]["sent"] == true);
  CHECK(docs[0]["transport"]["channel_bindings"]["matched"] == false);
  hop.stop();
}

TEST_CASE("http server: the NTLM scheme and a raw NTLM message under Negotiate are both served",
          "[http][server][ntlm]") {
  Lab lab;
  Background server(server_args({"--accept-mechs", "krb5,ntlm"}), lab.env());
  const int port = server.wait_for_port();
  const auto url = "http://localhost:" + std::to_string(port) + "/";
  const auto ntlm = lab.run({"client", "--url", url, "--mech", "ntlm", "--format", "json"});
  INFO(ntlm.out << ntlm.err << server.err());
  REQUIRE(ntlm.exit_code == 0);
  CHECK(ntlm.json()["transport"]["offered"] == json::array({"Negotiate", "NTLM"}));
  CHECK(ntlm.json()["transport"]["scheme"] == "NTLM");
  CHECK(ntlm.json()["legs"].size() == 3);
  Background plain(server_args({}), lab.env());
  const int plain_port = plain.wait_for_port();
  const auto raw = lab.run({"client", "--url", "http://localhost:" + std::to_string(plain_port) + "/", "--mech", "ntlm",
                            "--format", "json"});
  INFO(raw.out << raw.err << plain.err());
  REQUIRE(raw.exit_code == 0);
  CHECK(raw.json()["transport"]["scheme"] == "Negotiate");
  const auto docs = documents(server, 1);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["transport"]["scheme"] == "NTLM");
  CHECK(docs[0]["mech"]["name"] == "ntlm");
  const auto raw_docs = documents(plain, 1);
  REQUIRE(raw_docs.size() == 1);
  CHECK(warned(raw_docs[0], "ntlm_fallback"));
  CHECK(raw_docs[0]["legs"][0]["decoded"]["type"] == "ntlm.negotiate");
}

TEST_CASE("http server: malformed requests get 400 and a document and the server keeps serving",
          "[http][server][hostile]") {
  Lab lab;
  Background server(server_args({}), lab.env());
  const int port = server.wait_for_port();
  {
    RawClient raw(port);
    const std::string junk = "\x01\x02garbage\r\n\r\n";
    raw.send({junk.begin(), junk.end()});
    const auto reply = raw.read_all(std::chrono::seconds(5));
    CHECK_THAT(std::string(reply.begin(), reply.end()), Catch::StartsWith("HTTP/1.1 400"));
  }
  {
    RawClient raw(port);
    const std::string bad = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Negotiate !!!\r\n\r\n";
    raw.send({bad.begin(), bad.end()});
    const auto reply = raw.read_all(std::chrono::seconds(5));
    CHECK_THAT(std::string(reply.begin(), reply.end()), Catch::StartsWith("HTTP/1.1 400"));
  }
  const auto r = lab.run({"client", "--url", "http://localhost:" + std::to_string(port) + "/", "--format", "json"});
  CHECK(r.exit_code == 0);
  const auto docs = documents(server, 3);
  REQUIRE(docs.size() == 3);
  CHECK(docs[0]["error"]["class"] == "malformed_request");
  CHECK(docs[1]["error"]["class"] == "malformed_token");
  CHECK(docs[2]["established"] == true);
}

TEST_CASE("http server: --once exits after the first authentication with its result", "[http][server]") {
  Lab lab;
  Background server(server_args({"--once"}), lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--url", "http://localhost:" + std::to_string(port) + "/", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(server.wait() == 0);
  CHECK(server.documents().size() == 1);
}

TEST_CASE("http server: --documents failures counts established authentications and documents the failures",
          "[http][server][load]") {
  Lab lab;
  Background server(server_args({"--documents", "failures"}), lab.env());
  const int port = server.wait_for_port();
  const auto url = "http://localhost:" + std::to_string(port) + "/";
  const auto load = lab.run({"client", "--url", url, "--count", "5", "--format", "json"});
  INFO(load.out << load.err << server.err());
  REQUIRE(load.exit_code == 0);
  CHECK(load.json()["summary"]["established"] == 5);
  const std::vector<std::string> requests{"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Negotiate !!!\r\n\r\n",
                                          "\x01\x02garbage\r\n\r\n"};
  for (const auto& request : requests) {
    RawClient raw(port);  // a failed authentication, then a connection that is not HTTP
    raw.send({request.begin(), request.end()});
    const auto reply = raw.read_all(std::chrono::seconds(5));
    CHECK_THAT(std::string(reply.begin(), reply.end()), Catch::StartsWith("HTTP/1.1 400"));
  }
  const auto docs = documents(server, 2);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0]["error"]["class"] == "malformed_token");  // the five established ones left no document
  CHECK(docs[0]["established"] == false);
  CHECK(docs[1]["error"]["class"] == "malformed_request");
}
