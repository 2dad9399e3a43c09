// Evaluating expectations (policy/evaluate.hpp) on documents captured from the lab
// (tests/data/policy/*.json: `authctx local/client/server --format json` in a lab realm):
// each check passing and failing with the actual value it read, the document's
// "expectations" array and expectation_failed error, and the --count tally.
#include <catch2/catch.hpp>

#include "policy/evaluate.hpp"
#include "unit/policy_fixtures.hpp"

using authctx::policy::apply_expectations;
using authctx::policy::evaluate;
using authctx::policy::Json;
using authctx::policy::Outcome;
using authctx::policy::parse_expectation;

namespace {
Json captured(const std::string& name) { return authctx::test::captured_document(name); }

authctx::policy::Result eval(const std::string& expr, const Json& doc) {
  return evaluate(parse_expectation(expr), doc);
}

// The captured documents, by what they show.
const Json& krb5() {  // local, SPNEGO -> krb5, mutual, aes256, MIT PAC, no bindings, no delegation
  static const Json d = captured("local_spnego_krb5");
  return d;
}
const Json& fallback() {  // local, SPNEGO -> NTLM (no Kerberos credentials), 4 legs
  static const Json d = captured("local_spnego_ntlm_fallback");
  return d;
}
const Json& ntlm() {  // local, raw NTLM, 3 legs
  static const Json d = captured("local_ntlm");
  return d;
}
const Json& delegated() {  // local, raw krb5 with --delegate and --channel-bindings
  static const Json d = captured("local_krb5_delegated_bound");
  return d;
}
}  // namespace

TEST_CASE("policy: mech and no-ntlm tell krb5 from an NTLM fallback", "[policy][evaluate]") {
  auto r = eval("mech=krb5", krb5());
  CHECK(r.ok);
  CHECK(r.actual == "krb5");
  CHECK(r.detail == "negotiated mechanism, inside SPNEGO");
  CHECK(eval("mech=spnego", krb5()).ok);
  CHECK_FALSE(eval("mech=spnego", ntlm()).ok);
  CHECK(eval("mech=1.2.840.113554.1.2.2", krb5()).ok);
  CHECK(eval("mech!=ntlm", krb5()).ok);
  r = eval("mech=krb5|iakerb", fallback());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == "ntlm");
  CHECK(r.expected == "krb5 or iakerb");
  // The engine's own ntlm_fallback warning: its cause in detail, its next step as hint.
  CHECK(r.detail.find("negotiated mechanism, inside SPNEGO; SPNEGO fell back to NTLM because") == 0);
  CHECK(r.hint == fallback()["warnings"][0]["hint"]);
  CHECK(eval("mech=ntlm", fallback()).ok);

  r = eval("no-ntlm", krb5());
  CHECK(r.ok);
  CHECK(r.actual == "no NTLM leg");
  r = eval("no-ntlm", fallback());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == "NTLM in legs 1, 2, 3");  // the 4th leg carries only the mechListMIC
  CHECK(r.detail.find("decoded tokens of every leg (NTLM inside SPNEGO included); SPNEGO fell back") == 0);
  r = eval("no-ntlm", ntlm());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == "NTLM in legs 1, 2, 3");
  CHECK(r.hint.find("kinit") != std::string::npos);
}

TEST_CASE("policy: enctype reads the session key and ticket-enctype the AP-REQ's ticket", "[policy][evaluate]") {
  auto r = eval("enctype>=aes128", krb5());
  CHECK(r.ok);
  CHECK(r.actual == "aes256-cts-hmac-sha1-96");
  CHECK(r.detail == "session key of the initiator's context");
  CHECK(r.expected == "aes128 or stronger");
  CHECK(eval("enctype>=aes256", krb5()).ok);
  CHECK(eval("enctype=aes256-cts-hmac-sha1-96", krb5()).ok);
  CHECK_FALSE(eval("enctype=aes128-cts", krb5()).ok);
  r = eval("enctype>=rc4", ntlm());
  CHECK_FALSE(r.ok);
  CHECK(r.actual.is_null());
  CHECK(r.detail == "the NTLM session key has no Kerberos enctype");

  r = eval("ticket-enctype>=aes128", krb5());
  CHECK(r.ok);
  CHECK(r.actual == "aes256-cts-hmac-sha1-96");
  CHECK(r.detail == "enc-part of the ticket for host/localhost@AUTHCTX.TEST in leg 1, kvno 2");
  r = eval("ticket-enctype>=aes128", fallback());
  CHECK_FALSE(r.ok);
  CHECK(r.actual.is_null());
  CHECK(r.detail == "no AP-REQ with a ticket in the legs (mechanism ntlm)");

  // Active Directory's pitfall: an RC4 ticket (the service account's key) with an AES
  // session key. The captured AP-REQ's ticket enc-part relabelled as rc4-hmac (23).
  Json ad = krb5();
  auto& etype = ad["legs"][0]["decoded"]["inner_token"]["mech_token"]["inner_token"]["ticket"]["enc_part"]["etype"];
  REQUIRE(etype["id"] == 18);
  etype = Json{{"id", 23}, {"name", "arcfour-hmac"}};
  CHECK(eval("enctype>=aes128", ad).ok);
  r = eval("ticket-enctype>=aes128", ad);
  CHECK_FALSE(r.ok);
  CHECK(r.actual == "arcfour-hmac");
  CHECK(r.hint.find("msDS-SupportedEncryptionTypes") != std::string::npos);
  CHECK(eval("ticket-enctype>=rc4", ad).ok);
  CHECK_FALSE(eval("ticket-enctype>=des3", ad).ok);
}

TEST_CASE("policy: flags and ticket flags are granted-includes checks", "[policy][evaluate]") {
  auto r = eval("flags>=mutual,integ,conf", krb5());
  CHECK(r.ok);
  CHECK(r.actual == Json::array({"mutual", "replay", "conf", "integ", "trans"}));
  CHECK(r.detail == "flags granted to the initiator");
  r = eval("flags>=mutual,integ,conf", ntlm());
  CHECK_FALSE(r.ok);
  CHECK(r.detail == "flags granted to the initiator; missing conf");
  CHECK(eval("flags>=deleg", delegated()).ok);
  CHECK_FALSE(eval("flags>=sequence", krb5()).ok);
  CHECK(eval("ticket-flags>=forwardable,pre_authent", krb5()).ok);
  r = eval("ticket-flags>=ok_as_delegate", krb5());
  CHECK_FALSE(r.ok);
  CHECK(r.detail == "flags of the service ticket; missing ok_as_delegate");
  r = eval("ticket-flags>=forwardable", ntlm());
  CHECK_FALSE(r.ok);
  CHECK(r.actual.is_null());
}

TEST_CASE("policy: channel-bound delegation and pac read the acceptor's view", "[policy][evaluate]") {
  CHECK_FALSE(eval("channel-bound", krb5()).ok);
  auto r = eval("channel-bound", delegated());
  CHECK(r.ok);
  CHECK(r.actual == true);
  CHECK(eval("delegated", delegated()).ok);
  CHECK_FALSE(eval("no-delegation", delegated()).ok);
  r = eval("delegated", krb5());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == false);
  CHECK(r.hint.find("--delegate") != std::string::npos);
  CHECK(eval("no-delegation", krb5()).ok);

  r = eval("pac", krb5());
  CHECK(r.ok);
  CHECK(r.actual == Json::array({"client-info", "16", "server-checksum", "privsvr-checksum"}));
  CHECK(eval("pac>=client-info,server-checksum", krb5()).ok);
  r = eval("pac>=logon-info", krb5());  // MIT's KDC writes no logon-info
  CHECK_FALSE(r.ok);
  CHECK(r.detail == "urn:mspac: name attributes at the acceptor; missing logon-info");
  r = eval("pac", ntlm());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == Json::array());

  // A client whose server sent no report knows no acceptor facts.
  const auto no_report = captured("client_no_report");
  REQUIRE(no_report["acceptor"].is_null());
  r = eval("channel-bound", no_report);
  CHECK_FALSE(r.ok);
  CHECK(r.actual.is_null());
  CHECK(r.detail.find("no acceptor view") == 0);
  CHECK_FALSE(eval("pac", no_report).ok);
  CHECK(eval("mech=krb5", no_report).ok);

  // A server speaks for the acceptor: bindings given, the client sent none.
  const auto server = captured("server_unbound");
  r = eval("channel-bound", server);
  CHECK_FALSE(r.ok);
  CHECK(r.actual == false);
  r = eval("flags>=mutual", server);
  CHECK(r.ok);
  CHECK(r.detail == "flags granted to the acceptor");
  CHECK(eval("enctype>=aes256", server).ok);
  CHECK(evaluate(parse_expectation("enctype>=aes256"), server).detail == "session key of the acceptor's context");
}

TEST_CASE("policy: lifetime legs user and target compare numbers and names", "[policy][evaluate]") {
  auto r = eval("lifetime>=1h", krb5());
  CHECK(r.ok);
  CHECK(r.actual == krb5()["initiator"]["context_time_seconds"]);
  CHECK(r.expected == ">= 3600 s");
  CHECK_FALSE(eval("lifetime>=2d", krb5()).ok);
  CHECK(eval("lifetime<2d", krb5()).ok);
  CHECK(eval("lifetime>=36h", ntlm()).ok);  // NTLM: lifetime 0 but context_time 129600

  r = eval("legs<=2", krb5());
  CHECK(r.ok);
  CHECK(r.actual == 2);
  r = eval("legs<=2", fallback());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == 4);
  CHECK(eval("legs=3", ntlm()).ok);
  CHECK(eval("legs>2", ntlm()).ok);

  CHECK(eval("user=alice@AUTHCTX.TEST", krb5()).ok);
  CHECK(eval("user=alice", krb5()).ok);
  CHECK(eval("user=*@AUTHCTX.TEST", krb5()).ok);
  CHECK(eval("user=alice", ntlm()).ok);  // AUTHCTX.TEST\alice
  r = eval("user=bob", krb5());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == "alice@AUTHCTX.TEST");
  CHECK(eval("user!=bob", krb5()).ok);
  CHECK_FALSE(eval("user=alice@OTHER.TEST", krb5()).ok);
  CHECK(eval("target=host/localhost@AUTHCTX.TEST", krb5()).ok);
  CHECK(eval("target=host@localhost", krb5()).ok);
  CHECK(eval("target=host/*", krb5()).ok);
  CHECK_FALSE(eval("target=HTTP@localhost", krb5()).ok);
  CHECK(eval("no-warnings", krb5()).ok);
  r = eval("no-warnings", fallback());
  CHECK_FALSE(r.ok);
  CHECK(r.actual == Json::array({"ntlm_fallback"}));
}

TEST_CASE("policy: principal patterns match whole names with star wildcards", "[policy][evaluate]") {
  using authctx::policy::principal_matches;
  CHECK(principal_matches("alice@R", "alice@R", false));
  CHECK_FALSE(principal_matches("alice@R", "alice@RR", false));
  CHECK(principal_matches("*", "anything at all", false));
  CHECK(principal_matches("a*e@*", "alice@R", false));
  CHECK_FALSE(principal_matches("a*x", "alice", false));
  CHECK(principal_matches("HTTP@web.example", "HTTP/web.example@EXAMPLE", true));
  CHECK_FALSE(principal_matches("HTTP@web.example", "HTTP/web.example@EXAMPLE", false));
  CHECK(principal_matches(std::string(200, '*') + "x", std::string(5000, 'a') + "x", false));  // no blow-up
}

TEST_CASE("policy: the document gains expectations and an expectation_failed error", "[policy][evaluate]") {
  const std::vector<authctx::policy::Expectation> list{parse_expectation("mech=krb5"), parse_expectation("no-ntlm"),
                                                       parse_expectation("legs<=2")};
  Json pass = krb5();
  CHECK(apply_expectations(pass, list) == Outcome::passed);
  CHECK(pass["error"].is_null());
  REQUIRE(pass["expectations"].size() == 3);
  CHECK(pass["expectations"][0] == Json::parse(R"j({"expr": "mech=krb5", "ok": true, "evaluated": true,
    "expected": "krb5", "actual": "krb5", "detail": "negotiated mechanism, inside SPNEGO"})j"));
  // Placed before "warnings", as the contract's documents read top to bottom.
  std::vector<std::string> keys;
  for (auto it = pass.begin(); it != pass.end(); ++it) keys.push_back(it.key());
  const auto at = std::find(keys.begin(), keys.end(), "expectations");
  REQUIRE(at != keys.end());
  CHECK(*(at + 1) == "warnings");

  Json fail = fallback();
  CHECK(apply_expectations(fail, list) == Outcome::failed);
  const auto& err = fail["error"];
  CHECK(err["class"] == "expectation_failed");
  CHECK(err["stage"] == "expectations");
  CHECK(
      err["message"] ==
      "3 of 3 expectations failed: mech=krb5 (expected krb5, actual ntlm); no-ntlm (expected no NTLM leg, actual NTLM "
      "in legs 1, 2, 3); legs<=2 (expected <= 2, actual 4)");
  REQUIRE(err["unmet"].size() == 3);
  CHECK(err["unmet"][2] == Json::parse(R"j({"expr": "legs<=2", "expected": "<= 2", "actual": 4,
    "detail": "tokens exchanged", "hint": "the leg count shows the mechanism: krb5 is 1 leg (2 with mutual), SPNEGO/krb5 2, NTLM 3, SPNEGO/NTLM 4, IAKERB more (proxied KDC exchanges)"})j"));
  CHECK(err["hint"].get<std::string>().find(fallback()["warnings"][0]["hint"].get<std::string>()) == 0);
  CHECK(authctx::policy::failure_sentence(fail) == err["message"]);

  // Not established: nothing evaluated, the handshake's own error stays.
  Json failed = captured("local_failed");
  CHECK(apply_expectations(failed, list) == Outcome::not_evaluated);
  CHECK(failed["error"]["class"] == "service_principal_unknown");
  for (const auto& e : failed["expectations"]) {
    CHECK(e["ok"] == false);
    CHECK(e["evaluated"] == false);
    CHECK(e["actual"].is_null());
    CHECK(e["detail"] == "not evaluated: the context was not established");
  }
  CHECK(failed["expectations"][2]["expected"] == "<= 2");

  // Established with another error (a failed per-message check): evaluated, error kept.
  Json other = fallback();
  other["error"] = Json{{"class", "integrity_failure"}};
  CHECK(apply_expectations(other, list) == Outcome::failed);
  CHECK(other["error"]["class"] == "integrity_failure");
  CHECK(authctx::policy::failure_sentence(other).empty());

  Json none = krb5();
  CHECK(apply_expectations(none, {}) == Outcome::none);
  CHECK_FALSE(none.contains("expectations"));
}

TEST_CASE("policy: a --count tally passes only when every established run passed", "[policy][evaluate]") {
  const std::vector<authctx::policy::Expectation> list{parse_expectation("no-ntlm"), parse_expectation("legs<=2")};
  authctx::policy::RunTally tally(list);
  Json runs[] = {krb5(), fallback(), captured("local_failed")};
  for (int i = 0; i < 3; ++i) {
    apply_expectations(runs[i], list);
    tally.add(i + 1, runs[i]["expectations"]);
  }
  CHECK(tally.any_failed());
  const auto entries = tally.entries();
  CHECK(entries[0]["ok"] == false);
  CHECK(entries[0]["runs"] == Json::parse(R"j({"passed": 1, "failed": 1, "not_evaluated": 1})j"));
  CHECK(entries[0]["first_failure"]["run"] == 2);
  CHECK(entries[0]["actual"] == "NTLM in legs 1, 2, 3");
  CHECK(entries[0]["detail"] == "passed in 1 of 3 runs, failed in 1 (first: run 2), not evaluated in 1");
  // A summary with a failed run keeps its own error (exit 1); all established: expectation_failed.
  Json summary{{"schema", "authctx/1"},     {"command", "client"},      {"established", true},
               {"summary", Json::object()}, {"first_failure", nullptr}, {"error", nullptr}};
  CHECK(tally.apply(summary) == Outcome::failed);
  CHECK(summary["error"]["class"] == "expectation_failed");
  CHECK(summary["error"]["message"].get<std::string>().find("2 of 2 expectations failed: no-ntlm") == 0);

  authctx::policy::RunTally clean(list);
  Json ok = krb5();
  apply_expectations(ok, list);
  clean.add(1, ok["expectations"]);
  clean.add(2, ok["expectations"]);
  Json summary2{{"established", true}, {"error", nullptr}};
  CHECK(clean.apply(summary2) == Outcome::passed);
  CHECK(summary2["expectations"][1]["detail"] == "passed in 2 of 2 runs");
  CHECK(summary2["error"].is_null());
}
