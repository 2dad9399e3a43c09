// --expect and --expect-file on `authctx local` in a lab realm: every expression passing and
// failing against real handshakes (krb5 inside SPNEGO, raw krb5, SPNEGO falling back to
// NTLM, raw NTLM, delegation granted and refused, channel bindings), exit 6 against exit 1,
// and usage errors for bad expressions.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/harness.hpp"

using authctx::test::has;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

std::vector<std::string> with_expectations(std::vector<std::string> args, const std::vector<std::string>& exprs) {
  for (const auto& e : exprs) {
    args.push_back("--expect");
    args.push_back(e);
  }
  return args;
}

// The "expectations" entry for expr (fails the test when absent).
json entry(const json& doc, const std::string& expr) {
  for (const auto& e : doc["expectations"])
    if (e["expr"] == expr) return e;
  FAIL("no expectation entry for " << expr);
  return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("policy: every expectation holds on a mutual krb5 handshake inside SPNEGO", "[policy][local]") {
  Lab lab;
  const std::vector<std::string> exprs{"mech=krb5",
                                       "mech=spnego",
                                       "mech!=ntlm",
                                       "no-ntlm",
                                       "enctype>=aes128",
                                       "enctype=aes256-cts",
                                       "ticket-enctype>=aes256",
                                       "flags>=mutual,integ,conf",
                                       "ticket-flags>=forwardable,pre_authent",
                                       "no-delegation",
                                       "pac",
                                       "pac>=client-info,server-checksum",
                                       "lifetime>=1h",
                                       "legs<=2",
                                       "user=alice@AUTHCTX.TEST",
                                       "user=alice",
                                       "target=host@localhost",
                                       "target=host/localhost@AUTHCTX.TEST",
                                       "no-warnings"};
  const auto r = lab.run(with_expectations({"local", "--format", "json"}, exprs));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["error"].is_null());
  REQUIRE(doc["expectations"].size() == exprs.size());
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    INFO(exprs[i]);
    CHECK(doc["expectations"][i]["expr"] == exprs[i]);
    CHECK(doc["expectations"][i]["ok"] == true);
    CHECK(doc["expectations"][i]["evaluated"] == true);
  }
  CHECK(entry(doc, "mech=krb5")["actual"] == "krb5");
  CHECK(entry(doc, "enctype>=aes128")["actual"] == "aes256-cts-hmac-sha1-96");
  CHECK(entry(doc, "ticket-enctype>=aes256")["actual"] == "aes256-cts-hmac-sha1-96");
  CHECK(entry(doc, "ticket-enctype>=aes256")["detail"] ==
        "enc-part of the ticket for host/localhost@AUTHCTX.TEST in leg 1, kvno 2");
  CHECK(has(entry(doc, "flags>=mutual,integ,conf")["actual"], "conf"));
  CHECK(entry(doc, "legs<=2")["actual"] == 2);
  CHECK(entry(doc, "lifetime>=1h")["actual"].get<long>() > 3600);
  CHECK(entry(doc, "user=alice")["actual"] == "alice@AUTHCTX.TEST");
  CHECK(entry(doc, "no-delegation")["actual"] == false);
  CHECK(r.err.empty());
}

TEST_CASE("policy: each unmet expectation on krb5 exits 6 with expected and actual values", "[policy][local]") {
  Lab lab;
  const std::vector<std::string> exprs{"mech=ntlm",
                                       "mech!=krb5",
                                       "enctype=aes128-cts",
                                       "ticket-enctype=rc4-hmac",
                                       "flags>=sequence",
                                       "ticket-flags>=ok_as_delegate",
                                       "channel-bound",
                                       "delegated",
                                       "pac>=logon-info",
                                       "lifetime>=2d",
                                       "legs<=1",
                                       "user=bob",
                                       "target=HTTP@localhost"};
  const auto r = lab.run(with_expectations({"local", "--mech", "spnego", "--format", "json"}, exprs));
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  const auto& err = doc["error"];
  CHECK(err["class"] == "expectation_failed");
  CHECK(err["stage"] == "expectations");
  CHECK(contains(err["message"].get<std::string>(),
                 "13 of 13 expectations failed: mech=ntlm (expected ntlm, actual krb5)"));
  REQUIRE(err["unmet"].size() == exprs.size());
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    INFO(exprs[i]);
    CHECK(err["unmet"][i]["expr"] == exprs[i]);
    CHECK(doc["expectations"][i]["ok"] == false);
    CHECK_FALSE(err["unmet"][i]["hint"].get<std::string>().empty());
  }
  CHECK(entry(doc, "enctype=aes128-cts")["expected"] == "aes128-cts-hmac-sha1-96");
  CHECK(entry(doc, "enctype=aes128-cts")["actual"] == "aes256-cts-hmac-sha1-96");
  CHECK(entry(doc, "ticket-enctype=rc4-hmac")["actual"] == "aes256-cts-hmac-sha1-96");
  CHECK(entry(doc, "flags>=sequence")["detail"] == "flags granted to the initiator; missing sequence");
  CHECK(entry(doc, "channel-bound")["actual"] == false);
  CHECK(entry(doc, "delegated")["actual"] == false);
  CHECK(entry(doc, "legs<=1")["actual"] == 2);
  CHECK(entry(doc, "user=bob")["actual"] == "alice@AUTHCTX.TEST");
  CHECK(entry(doc, "target=HTTP@localhost")["actual"] == "host/localhost@AUTHCTX.TEST");
  CHECK(r.err.rfind("authctx: the context was established but 13 of 13 expectations failed: mech=ntlm", 0) == 0);
}

TEST_CASE("policy: an NTLM fallback inside SPNEGO fails no-ntlm and the Kerberos checks", "[policy][local][ntlm]") {
  Lab lab;
  // No Kerberos credentials: SPNEGO falls back to NTLM in four legs (the lab's NTLM user file).
  const auto r = lab.run(with_expectations({"local", "--format", "json"},
                                           {"no-ntlm", "mech=krb5", "enctype>=aes128", "ticket-enctype>=aes128",
                                            "mech=ntlm", "legs=4", "user=alice", "no-warnings"}),
                         {{"KRB5CCNAME", "FILE:" + lab.dir() + "/no-such-ccache"}});
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "ntlm");
  CHECK(entry(doc, "no-ntlm")["ok"] == false);
  CHECK(entry(doc, "no-ntlm")["actual"] == "NTLM in legs 1, 2, 3");
  CHECK(contains(entry(doc, "no-ntlm")["detail"].get<std::string>(), "SPNEGO fell back to NTLM"));
  CHECK(contains(entry(doc, "no-ntlm")["hint"].get<std::string>(), "kinit"));
  CHECK(entry(doc, "mech=krb5")["actual"] == "ntlm");
  CHECK(entry(doc, "enctype>=aes128")["actual"].is_null());
  CHECK(entry(doc, "enctype>=aes128")["detail"] == "the NTLM session key has no Kerberos enctype");
  CHECK(entry(doc, "ticket-enctype>=aes128")["actual"].is_null());
  CHECK(entry(doc, "mech=ntlm")["ok"] == true);
  CHECK(entry(doc, "legs=4")["ok"] == true);
  CHECK(entry(doc, "user=alice")["ok"] == true);
  CHECK(entry(doc, "user=alice")["actual"] == "AUTHCTX.TEST\\alice");
  CHECK(entry(doc, "no-warnings")["actual"] == json::array({"ntlm_fallback"}));
  CHECK(doc["error"]["unmet"].size() == 5);
}

TEST_CASE("policy: raw NTLM passes mech=ntlm and fails no-ntlm", "[policy][local][ntlm]") {
  Lab lab;
  const auto pass = lab.run(with_expectations({"local", "--mech", "ntlm", "--format", "json"},
                                              {"mech=ntlm", "legs=3", "flags>=integ", "lifetime>=36h"}));
  INFO(pass.err);
  REQUIRE(pass.exit_code == 0);
  CHECK(entry(pass.json(), "legs=3")["actual"] == 3);
  const auto fail =
      lab.run(with_expectations({"local", "--mech", "ntlm", "--format", "json"}, {"no-ntlm", "pac", "flags>=conf"}));
  REQUIRE(fail.exit_code == 6);
  const auto doc = fail.json();
  CHECK(entry(doc, "no-ntlm")["actual"] == "NTLM in legs 1, 2, 3");
  CHECK(entry(doc, "pac")["actual"] == json::array());
  CHECK(entry(doc, "flags>=conf")["detail"] == "flags granted to the initiator; missing conf");
}

TEST_CASE("policy: delegation granted and refused", "[policy][local][delegation]") {
  Lab lab;
  SECTION("granted with --delegate") {
    const auto r = lab.run(with_expectations({"local", "--mech", "krb5", "--delegate", "--format", "json"},
                                             {"delegated", "flags>=deleg"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(entry(r.json(), "delegated")["actual"] == true);
    const auto no =
        lab.run(with_expectations({"local", "--mech", "krb5", "--delegate", "--format", "json"}, {"no-delegation"}));
    REQUIRE(no.exit_code == 6);
    CHECK(no.json()["error"]["unmet"][0]["actual"] == true);
  }
  SECTION("refused: --delegate-policy and a service without ok-as-delegate") {
    const auto r = lab.run(
        with_expectations({"local", "--mech", "krb5", "--delegate-policy", "--format", "json"}, {"no-delegation"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto yes =
        lab.run(with_expectations({"local", "--mech", "krb5", "--delegate-policy", "--format", "json"}, {"delegated"}));
    REQUIRE(yes.exit_code == 6);
    CHECK(entry(yes.json(), "delegated")["actual"] == false);
    CHECK(contains(entry(yes.json(), "delegated")["hint"].get<std::string>(), "ok_as_delegate"));
  }
}

TEST_CASE("policy: channel bindings on both sides make the context channel-bound", "[policy][local][bindings]") {
  Lab lab;
  const auto bound = lab.run(
      {"local", "--channel-bindings", "tls-server-end-point:ci", "--expect", "channel-bound", "--format", "json"});
  INFO(bound.err);
  REQUIRE(bound.exit_code == 0);
  CHECK(entry(bound.json(), "channel-bound")["actual"] == true);
  const auto ntlm =
      lab.run({"local", "--mech", "ntlm", "--channel-bindings", "x", "--expect", "channel-bound", "--format", "json"});
  REQUIRE(ntlm.exit_code == 0);
  const auto unbound = lab.run({"local", "--expect", "channel-bound", "--format", "json"});
  REQUIRE(unbound.exit_code == 6);
  CHECK(entry(unbound.json(), "channel-bound")["actual"] == false);
}

TEST_CASE("policy: a failed handshake stays exit 1 with its expectations not evaluated", "[policy][local][errors]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--target", "nosuch@localhost", "--expect", "no-ntlm", "--expect",
                          "legs<=2", "--format", "json"});
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == false);
  CHECK(doc["error"]["class"] == "service_principal_unknown");
  REQUIRE(doc["expectations"].size() == 2);
  for (const auto& e : doc["expectations"]) {
    CHECK(e["ok"] == false);
    CHECK(e["evaluated"] == false);
    CHECK(e["actual"].is_null());
  }
  CHECK(doc["expectations"][1]["expected"] == "<= 2");
  CHECK_FALSE(contains(r.err, "expectation"));
}

TEST_CASE("policy: bad expressions are usage errors naming the accepted forms", "[policy][usage]") {
  Lab lab;
  TempDir tmp;
  for (const std::string bad : {"kerberos-only", "lifetime>=soon", "enctype>=aes512", "flags>=mutal", "legs!=2"}) {
    INFO(bad);
    const auto r = lab.run({"local", "--expect", "no-ntlm", "--expect", bad, "--format", "json"});
    CHECK(r.exit_code == 2);
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "usage");
    CHECK(contains(doc["error"]["message"].get<std::string>(), "\"" + bad + "\""));
    CHECK(doc.value("legs", json::array()).empty());  // nothing ran
  }
  const auto unknown = lab.run({"local", "--expect", "kerberos-only", "--format", "json"});
  const auto msg = unknown.json()["error"]["message"].get<std::string>();
  for (const char* form : {"mech=", "no-ntlm", "enctype>=", "ticket-enctype>=", "flags>=", "channel-bound", "delegated",
                           "no-delegation", "pac", "lifetime>=", "legs<=", "user=", "target="})
    CHECK(contains(msg, form));
  // --expect-file: one per line with comments; a bad line is named by file and number.
  const auto file = tmp.path + "/policy.expect";
  std::ofstream(file) << "# CI policy\nmech=krb5   # Kerberos only\n\nno-ntlm\nenctype>=aes128\n";
  const auto good = lab.run({"local", "--expect-file", file, "--expect", "legs<=2", "--format", "json"});
  INFO(good.err);
  REQUIRE(good.exit_code == 0);
  const auto gdoc = good.json();
  REQUIRE(gdoc["expectations"].size() == 4);
  CHECK(gdoc["expectations"][0]["expr"] == "legs<=2");  // --expect first, then the files
  CHECK(gdoc["expectations"][1]["expr"] == "mech=krb5");
  CHECK(gdoc["expectations"][3]["expr"] == "enctype>=aes128");
  std::ofstream(file) << "mech=krb5\nbogus-check\n";
  const auto badfile = lab.run({"local", "--expect-file", file, "--format", "json"});
  CHECK(badfile.exit_code == 2);
  CHECK(contains(badfile.json()["error"]["message"].get<std::string>(),
                 file + ":2: unknown expectation \"bogus-check\""));
  const auto missing = lab.run({"local", "--expect-file", tmp.path + "/none", "--format", "json"});
  CHECK(missing.exit_code == 5);
  CHECK(missing.json()["error"]["class"] == "file_unreadable");
  const auto junit = lab.run({"local", "--junit", tmp.path + "/no/such/dir/report.xml", "--format", "json"});
  CHECK(junit.exit_code == 5);
  CHECK(junit.json()["error"]["class"] == "junit_unwritable");
}

TEST_CASE("policy: the text view on a pipe lists expectations without colour", "[policy][text_view]") {
  Lab lab;
  const auto r = lab.run({"local", "--format", "text", "--expect", "no-ntlm", "--expect", "legs<=1"});
  REQUIRE(r.exit_code == 6);
  CHECK(r.out.find('\x1b') == std::string::npos);
  CHECK(contains(r.out, "\nExpectations\n"));
  const auto row = [](const std::string& mark, const std::string& expr, const std::string& rest) {
    return "  " + mark + " " + expr + std::string(28 - expr.size(), ' ') + " " + rest + "\n";
  };
  CHECK(contains(r.out, row("✔", "no-ntlm", "no NTLM leg")));
  CHECK(contains(r.out, row("✘", "legs<=1", "expected <= 1, actual 2")));
  CHECK(contains(r.out, "✘ error: expectation_failed at expectations"));
  const auto colour = lab.run({"--color", "always", "local", "--format", "text", "--expect", "legs<=1"});
  CHECK(colour.exit_code == 6);
  CHECK(contains(colour.out, "\x1b[31;1m✘\x1b[0m legs<=1"));
}
