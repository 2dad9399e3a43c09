// The real HTTP Negotiate peers the HTTP transport is tested against, checked with the
// src/http library alone (no GSS-API in authctx's own code yet): Apache 2.4 with
// mod_auth_gssapi from a private configuration (krb5, NTLM and https locations), and curl
// --negotiate authenticating with a ticket from a lab realm. Each test makes its own lab and
// peers and leaves no process behind (Apache is verified gone).
#include <catch2/catch.hpp>

#include "decode/decode.hpp"
#include "http/auth_header.hpp"
#include "lab/lab.hpp"
#include "support/apache.hpp"
#include "support/curl.hpp"
#include "support/pki.hpp"
#include "unit/http_fixtures.hpp"
#include "util/base64.hpp"

using namespace authctx;
using test::TestServer;

namespace {
void require_peers() {
  if (!test::Apache::available() || !test::curl_available() || !util::find_program("krb5kdc") ||
      !util::find_program("openssl")) {
    WARN("apache2, libapache2-mod-auth-gssapi, curl, openssl or krb5-kdc missing: skipping");
    std::exit(77);
  }
}

test::ApacheOptions apache_options(const lab::LabInfo& info) {
  test::ApacheOptions o;
  o.keytab = info.paths().keytab.string();
  o.krb5_conf = info.paths().krb5_conf.string();
  o.ntlm_user_file = info.paths().ntlm_user_file.string();
  return o;
}

// curl's environment: the lab's krb5.conf and NTLM users, and either alice's ccache or none.
util::Environment curl_env(const lab::LabInfo& info, bool with_ticket) {
  return {{"KRB5_CONFIG", info.paths().krb5_conf.string()},
          {"KRB5CCNAME",
           with_ticket ? "FILE:" + info.paths().ccache.string() : "FILE:" + (info.dir / "no-ccache").string()},
          {"NTLM_USER_FILE", info.paths().ntlm_user_file.string()}};
}

std::string decoded_json(const std::vector<std::uint8_t>& token) {
  return decode::to_debug_json(decode::decode_token(token));
}

// A server that asks for Negotiate (and NTLM) until an Authorization header comes, then
// answers 200: it shows what a client sends, as `authctx server --framing http` will.
test::Responder negotiate_responder() {
  return [](const http::Request& r, const http::RequestInfo&, const http::ConnectionInfo&) {
    if (!r.headers.has("Authorization")) {
      http::Response resp;
      resp.status = 401;
      resp.headers.add("WWW-Authenticate", "Negotiate");
      resp.headers.add("WWW-Authenticate", "NTLM");
      return resp;
    }
    return test::ok_text("seen");
  };
}
}  // namespace

TEST_CASE("http peers: Apache krb5 location asks for Negotiate and curl with a lab ticket gets in as alice",
          "[http][peers][apache]") {
  require_peers();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  test::Apache apache(apache_options(info));

  http::Client client(test::client_for(apache.url("/krb5/whoami")));
  http::ExchangeInfo ex;
  http::Request req;
  req.target = "/krb5/whoami";
  const auto resp = client.exchange(req, ex);
  CHECK(resp.status == 401);
  CHECK(resp.keep_alive);
  const auto challenges = http::parse_challenges(resp.headers.all("WWW-Authenticate"));
  REQUIRE(challenges.ok());
  REQUIRE(challenges.items.size() == 1);
  CHECK(challenges.items[0].kind == http::AuthScheme::negotiate);
  CHECK_FALSE(challenges.items[0].token68.has_value());
  req.target = "/public/index.html";
  CHECK(client.exchange(req, ex).status == 200);
  CHECK(ex.reused);
  req.target = "/redirect";
  const auto redirect = client.exchange(req, ex);
  CHECK(redirect.status == 302);
  CHECK_THAT(*redirect.headers.first("Location"), Catch::EndsWith("/krb5/whoami"));

  const auto curl = test::run_curl({"--negotiate", "-u", ":", "-i", apache.url("/krb5/whoami")}, curl_env(info, true));
  INFO(curl.body << curl.err << apache.error_log());
  CHECK(curl.status == 200);
  CHECK_THAT(curl.body, Catch::Contains("REMOTE_USER=alice@AUTHCTX.TEST"));
  CHECK_THAT(curl.body, Catch::Contains("AUTH_TYPE=Negotiate"));
  // The mutual-authentication token Apache sends with the 200: SPNEGO accept-completed + AP-REP.
  const auto at = curl.body.find("WWW-Authenticate: Negotiate ");
  REQUIRE(at != std::string::npos);
  const auto line = curl.body.substr(at + 18, curl.body.find('\r', at) - at - 18);
  const auto final_token = http::parse_challenges({line});
  REQUIRE(final_token.items.size() == 1);
  REQUIRE(final_token.items[0].token.has_value());
  const auto decoded = decoded_json(*final_token.items[0].token);
  CHECK_THAT(decoded, Catch::Contains("spnego.neg_token_resp"));
  CHECK_THAT(decoded, Catch::Contains("krb5.ap_rep"));
  apache.stop();
}

TEST_CASE("http peers: Apache NTLM location authenticates curl without a ticket and the krb5 one refuses NTLM",
          "[http][peers][apache][ntlm]") {
  require_peers();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  test::Apache apache(apache_options(info));
  const auto ntlm = test::run_curl({"--negotiate", "-u", ":", apache.url("/ntlm/whoami")}, curl_env(info, false));
  INFO(ntlm.body << ntlm.err << apache.error_log());
  CHECK(ntlm.status == 200);
  CHECK_THAT(ntlm.body, Catch::Contains("REMOTE_USER=AUTHCTX.TEST\\alice"));
  const auto refused = test::run_curl({"--negotiate", "-u", ":", apache.url("/krb5/whoami")}, curl_env(info, false));
  CHECK(refused.status == 401);
  CHECK_THAT(apache.error_log(), Catch::Contains("An unsupported mechanism was requested"));
  apache.stop();
}

TEST_CASE("http peers: Apache over https shows our client its certificate and curl authenticates",
          "[http][peers][apache][tls]") {
  require_peers();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  test::Pki pki;
  const auto cert = pki.issue("apache");
  auto options = apache_options(info);
  options.tls_cert = cert.cert;
  options.tls_key = cert.key;
  test::Apache apache(options);
  auto o = test::client_for(apache.url("/krb5/whoami"));
  o.cacert = pki.ca_cert();
  http::Client client(o);
  http::ExchangeInfo ex;
  http::Request req;
  req.target = "/krb5/whoami";
  CHECK(client.exchange(req, ex).status == 401);
  REQUIRE(client.tls() != nullptr);
  CHECK(client.tls()->verified);
  CHECK(client.tls()->certificate.subject == "CN=localhost,O=authctx test");
  CHECK(util::hex_encode(client.tls()->certificate.end_point_hash) == test::openssl_fingerprint(cert.cert, "sha256"));
  const auto curl = test::run_curl({"--negotiate", "-u", ":", "--cacert", pki.ca_cert(), apache.url("/krb5/whoami")},
                                   curl_env(info, true));
  INFO(curl.err << apache.error_log());
  CHECK(curl.status == 200);
  CHECK_THAT(curl.body, Catch::Contains("REMOTE_USER=alice@AUTHCTX.TEST"));
  apache.stop();
}

TEST_CASE("http peers: curl sends its krb5 Negotiate token to our server and the parser decodes it",
          "[http][peers][curl]") {
  require_peers();
  lab::ScopedLab scoped;
  const auto& info = scoped.info();
  test::Pki pki;
  for (const bool tls : {false, true}) {
    INFO((tls ? "https" : "http"));
    http::ServerOptions o;
    if (tls) {
      const auto cert = pki.issue("server");
      o.tls_cert = cert.cert;
      o.tls_key = cert.key;
    }
    TestServer server(o, negotiate_responder());
    const auto url = std::string(tls ? "https" : "http") + "://localhost:" + std::to_string(server.port()) + "/x";
    const auto curl = test::run_curl({"--negotiate", "-u", ":", "--cacert", pki.ca_cert(), url}, curl_env(info, true));
    INFO(curl.err);
    CHECK(curl.status == 200);
    const auto seen = server.wait_closed(1);
    REQUIRE_FALSE(seen.empty());
    std::optional<std::string> auth;
    for (const auto& r : seen[0].requests)
      if (!auth) auth = r.headers.first("Authorization");
    REQUIRE(auth.has_value());
    const auto parsed = http::parse_credentials(*auth);
    REQUIRE(parsed.ok());
    CHECK(parsed.items[0].kind == http::AuthScheme::negotiate);
    REQUIRE(parsed.items[0].token.has_value());
    const auto& token = *parsed.items[0].token;
    CHECK(token.at(0) == 0x60);  // RFC 2743 InitialContextToken
    const auto decoded = decoded_json(token);
    CHECK_THAT(decoded, Catch::Contains("spnego.neg_token_init"));
    CHECK_THAT(decoded, Catch::Contains("krb5.ap_req"));
    CHECK_THAT(decoded, Catch::Contains("HTTP"));
    if (tls) CHECK(seen[0].info.sni == "localhost");
  }
}

TEST_CASE("http peers: curl without a ticket sends NTLM inside Negotiate", "[http][peers][curl][ntlm]") {
  require_peers();
  lab::ScopedLab scoped;
  TestServer server({}, negotiate_responder());
  const auto url = "http://localhost:" + std::to_string(server.port()) + "/x";
  const auto curl = test::run_curl({"--negotiate", "-u", ":", url}, curl_env(scoped.info(), false));
  INFO(curl.err);
  const auto seen = server.wait_closed(1);
  std::optional<std::string> auth;
  for (const auto& s : seen)
    for (const auto& r : s.requests)
      if (!auth) auth = r.headers.first("Authorization");
  REQUIRE(auth.has_value());
  const auto parsed = http::parse_credentials(*auth);
  REQUIRE(parsed.items.size() == 1);
  CHECK(parsed.items[0].kind == http::AuthScheme::negotiate);
  REQUIRE(parsed.items[0].token.has_value());
  const auto decoded = decoded_json(*parsed.items[0].token);
  CHECK_THAT(decoded, Catch::Contains("ntlm.negotiate"));
  CHECK_THAT(decoded, Catch::Contains("1.3.6.1.4.1.311.2.2.10"));  // the NTLMSSP mech OID in SPNEGO
}
