// The acceptor's "ticket" view (src/inspect/acceptor_view.hpp) on captured exchanges
// (tests/data/exchanges): what the ticket and the authenticator say, the bindings hash the
// client sent against the one the acceptor expected, the AD RC4 case, and the sentence for
// a keytab that cannot open the ticket.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "inspect/acceptor_view.hpp"
#include "inspect/keys.hpp"
#include "krb5/handles.hpp"
#include "support/bindings.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"

using authctx::decode::Value;

namespace {
const std::string kData = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/exchanges/";

std::vector<std::uint8_t> first_leg(const std::string& exchange) {
  std::ifstream in(kData + exchange);
  const auto doc = nlohmann::json::parse(in);
  const auto b = authctx::util::base64_decode(doc["legs"][0]["base64"].get<std::string>());
  REQUIRE(b.has_value());
  return *b;
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

struct Fixture {
  authctx::test::TempDir dir;
  std::unique_ptr<authctx::krb5::Context> ctx;
  Fixture() {
    const std::string conf = dir.path + "/krb5.conf";
    std::ofstream(conf) << "[libdefaults]\n default_realm = AUTHCTX.TEST\n";
    ctx = std::make_unique<authctx::krb5::Context>(conf);
  }
};
}  // namespace

TEST_CASE("acceptor view: the ticket the authenticator and the bindings compared with the expected ones",
          "[inspect][acceptor]") {
  Fixture f;
  authctx::inspect::KeySet keys(*f.ctx);
  keys.add_keytab(kData + "mit.keytab");
  const auto token = first_leg("mit_krb5_deleg_cb.json");
  SECTION("the bindings the capture used match") {
    const auto v = authctx::inspect::describe_ap_req(*f.ctx, token, keys, bytes_of("authctx-test-bindings"), false);
    CHECK(v["server"].as_string() == "host/localhost@AUTHCTX.TEST");
    CHECK(v["kvno"].as_int() == 2);
    CHECK(v["enctype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
    CHECK(v["decryption"]["ok"].as_bool());
    CHECK(v["client"].as_string() == "alice@AUTHCTX.TEST");
    CHECK(v["session_key"]["enctype"]["id"].as_int() == 18);
    CHECK(v["session_key"]["redacted"].as_bool());
    CHECK(v["pac"]["client_name"].as_string() == "alice");
    const auto& a = v["authenticator"];
    CHECK(a["delegated"].as_bool());
    CHECK(a["subkey"]["enctype"]["id"].as_int() == 18);
    CHECK(a["bindings"]["sent"].as_string() == authctx::test::gss_bindings_md5_hex("authctx-test-bindings"));
    CHECK(a["bindings"]["expected"].as_string() == a["bindings"]["sent"].as_string());
    CHECK(a["bindings"]["match"].as_bool());
  }
  SECTION("other expected bindings do not match and both hashes are shown") {
    const auto v = authctx::inspect::describe_ap_req(*f.ctx, token, keys, bytes_of("tls-server-end-point:other"), false);
    const auto& b = v["authenticator"]["bindings"];
    CHECK_FALSE(b["match"].as_bool());
    CHECK(b["expected"].as_string() == authctx::test::gss_bindings_md5_hex("tls-server-end-point:other"));
    CHECK(b["sent"].as_string() == "7671368d7f8913d52ebdccada3c82b88");
  }
  SECTION("no expected bindings: only what was sent") {
    const auto v = authctx::inspect::describe_ap_req(*f.ctx, token, keys, std::nullopt, false);
    CHECK(v["authenticator"]["bindings"]["expected"].is_null());
    CHECK_FALSE(v["authenticator"]["bindings"].contains("match"));
  }
  CHECK_FALSE(authctx::inspect::explain_ticket_key(*f.ctx, token, keys).has_value());
}

TEST_CASE("acceptor view: an AD RC4 ticket shows its real enctype beside an AES session key and the PAC",
          "[inspect][acceptor][samba]") {
  Fixture f;
  authctx::inspect::KeySet keys(*f.ctx);
  keys.add_keytab(kData + "samba_http.keytab");
  const auto v = authctx::inspect::describe_ap_req(*f.ctx, first_leg("samba_spnego_rc4.json"), keys, std::nullopt, false);
  CHECK(v["enctype"]["name"].as_string() == "arcfour-hmac");
  CHECK(v["session_key"]["enctype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
  CHECK(v["pac"]["user"].as_string() == "AUTHCTX\\alice");
  CHECK(v["pac"]["upn"].as_string() == "alice@ad.authctx.test");
  CHECK(v["pac"]["user_sid"].as_string() == "S-1-5-21-2724309713-1845307091-1617779520-1102");
  REQUIRE(v["pac"]["group_sids"].size() == 3);
  CHECK(v["pac"]["group_sids"][1].as_string() == "S-1-5-21-2724309713-1845307091-1617779520-1103");
  CHECK(v["pac"]["group_sids"][2].as_string() == "S-1-18-1");
  CHECK(v["authenticator"]["bindings"]["sent"].is_null());  // this client sent none
}

TEST_CASE("acceptor view: a keytab that cannot open the ticket is named with the kvno it holds", "[inspect][acceptor]") {
  Fixture f;
  authctx::inspect::KeySet keys(*f.ctx);
  keys.add_keytab(kData + "mit_stale.keytab");
  const auto token = first_leg("mit_krb5_deleg_cb.json");
  const auto missing = authctx::inspect::explain_ticket_key(*f.ctx, token, keys);
  REQUIRE(missing.has_value());
  CHECK(missing->failure_class == "kvno_mismatch");
  CHECK(missing->message.find("kvno 2, aes256-cts-hmac-sha1-96; the keytab holds host/localhost@AUTHCTX.TEST kvno 3") !=
        std::string::npos);
  const auto v = authctx::inspect::describe_ap_req(*f.ctx, token, keys, std::nullopt, false);
  CHECK_FALSE(v["decryption"]["ok"].as_bool());
  CHECK_FALSE(v.contains("client"));
  const std::vector<std::uint8_t> ntlm = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0};
  CHECK(authctx::inspect::describe_ap_req(*f.ctx, ntlm, keys, std::nullopt, false).is_null());
}
