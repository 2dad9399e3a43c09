// --expect against an Active Directory lab (`authctx lab up --kdc samba`): the AD pitfall
// of an RC4 service ticket with an AES session key fails ticket-enctype>=aes128 while
// enctype>=aes128 passes, until the service account gets AES; Samba's full PAC passes
// pac>=logon-info,upn-dns-info. Local and over TCP (a server checks its own side).
#include <catch2/catch.hpp>

#include "integration/samba_support.hpp"

using authctx::test::AdLab;
using authctx::test::Background;
using authctx::test::require_samba;
using authctx::test::TempDir;
using nlohmann::json;

namespace {
std::string xpath(const std::string& file, const std::string& expr) {
  const auto xmllint = authctx::util::find_program("xmllint");
  if (!xmllint) {
    WARN("xmllint (libxml2-utils) is not installed");
    std::exit(77);
  }
  authctx::util::RunOptions o;
  o.argv = {*xmllint, "--xpath", expr, file};
  auto r = authctx::util::run(o);
  if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.exit_code == 0 ? r.out : "";
}
}  // namespace

TEST_CASE("samba policy: an RC4 service ticket fails ticket-enctype>=aes128 while enctype>=aes128 passes",
          "[policy][samba]") {
  require_samba();
  AdLab lab;
  TempDir tmp;
  const auto report = tmp.path + "/ad.xml";
  const std::vector<std::string> args{"local",
                                      "--mech",
                                      "krb5",
                                      "--target",
                                      "HTTP@localhost",
                                      "--expect",
                                      "enctype>=aes128",
                                      "--expect",
                                      "ticket-enctype>=aes128",
                                      "--expect",
                                      "pac>=logon-info,upn-dns-info",
                                      "--expect",
                                      "user=alice@AD.AUTHCTX.TEST",
                                      "--junit",
                                      report,
                                      "--format",
                                      "json"};
  const auto r = lab.run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  const auto& e = doc["expectations"];
  REQUIRE(e.size() == 4);
  CHECK(e[0]["ok"] == true);
  CHECK(e[0]["actual"] == "aes256-cts-hmac-sha1-96");  // the session key is AES
  CHECK(e[1]["ok"] == false);
  CHECK(e[1]["actual"] == "arcfour-hmac");  // the ticket is in the account's RC4 key
  const auto kvno = authctx::test::first_ap_req(doc)["ticket"]["enc_part"]["kvno"].get<int>();
  CHECK(e[1]["detail"] ==
        "enc-part of the ticket for HTTP/localhost@AD.AUTHCTX.TEST in leg 1, kvno " + std::to_string(kvno));
  CHECK(e[2]["ok"] == true);  // Samba writes the full PAC, unlike MIT's KDC
  CHECK(e[3]["ok"] == true);
  CHECK(doc["error"]["class"] == "expectation_failed");
  REQUIRE(doc["error"]["unmet"].size() == 1);
  CHECK(doc["error"]["unmet"][0]["expr"] == "ticket-enctype>=aes128");
  // The hint is the AD diagnostics' own, naming the account that holds the SPN.
  CHECK(doc["error"]["hint"].get<std::string>().find("msDS-SupportedEncryptionTypes") != std::string::npos);
  CHECK(doc["error"]["hint"].get<std::string>().find("--account websvc") != std::string::npos);
  CHECK(xpath(report, "string(//property[@name='ticket_enctype']/@value)") == "arcfour-hmac");
  CHECK(xpath(report, "string(//property[@name='session_key_enctype']/@value)") == "aes256-cts-hmac-sha1-96");
  CHECK(xpath(report, "string(//testcase[@name='expect ticket-enctype>=aes128']/failure/@message)") ==
        "expected aes128 or stronger, actual arcfour-hmac");

  // The administrator's fix: AES for the service account; the same policy now holds.
  lab.knob({"enctypes", "--account", "websvc", "--enctypes", "aes"});
  const auto fixed = lab.run(args);
  INFO(fixed.err);
  REQUIRE(fixed.exit_code == 0);
  CHECK(fixed.json()["expectations"][1]["actual"] == "aes256-cts-hmac-sha1-96");
  CHECK(fixed.json()["error"].is_null());
}

TEST_CASE("samba policy: an AD server checks the ticket each client presents", "[policy][samba][tcp]") {
  require_samba();
  AdLab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--expect", "ticket-enctype>=aes128", "--expect",
                     "enctype>=aes128", "--expect", "pac>=logon-info", "--format", "json"},
                    lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--target", "HTTP@localhost",
                          "--expect", "mech=krb5", "--format", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 0);  // the client expected only Kerberos
  CHECK(server.wait() == 6);
  const auto docs = server.documents();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["expectations"][0]["actual"] == "arcfour-hmac");
  CHECK(docs[0]["expectations"][0]["ok"] == false);
  CHECK(docs[0]["expectations"][1]["ok"] == true);
  CHECK(docs[0]["expectations"][2]["ok"] == true);
  CHECK(docs[0]["error"]["class"] == "expectation_failed");
}
