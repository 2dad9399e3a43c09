// The text view of real runs: a lab handshake, a failure and a decode contain the lines a
// person looks for (names, mech, class and next step), and colour follows --color and
// NO_COLOR (also on a real terminal, through script(1), when it is installed).
#include <catch2/catch.hpp>

#include <string>

#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::Lab;
using authctx::test::run_authctx;

namespace {
bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }
bool has_escape(const std::string& s) { return contains(s, "\x1b["); }
const std::string k_tokens = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/tokens/";
}  // namespace

TEST_CASE("text view: a krb5 lab handshake shows the legs, both names, the mech and the checks", "[text_view][lab]") {
  Lab lab;
  const auto r = lab.run({"--format", "text", "local", "--mech", "krb5"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "authctx local  ✔ context established  mech krb5 (1.2.840.113554.1.2.2)\n"));
  CHECK(contains(r.out, "1  initiator ──▶ acceptor"));
  CHECK(contains(r.out, "krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno 2, mutual-required\n"));
  CHECK(contains(r.out, "2  initiator ◀── acceptor"));
  CHECK(contains(r.out, "krb5 AP-REP aes256-cts\n"));
  CHECK(contains(r.out, "  source name       alice@AUTHCTX.TEST                alice@AUTHCTX.TEST\n"));
  CHECK(contains(r.out, "  target name       host/localhost@AUTHCTX.TEST       host/localhost@AUTHCTX.TEST\n"));
  CHECK(contains(r.out, "  session key       aes256-cts-hmac-sha1-96 (32 B)    aes256-cts-hmac-sha1-96 (32 B)\n"));
  CHECK(contains(r.out, "  flags requested   mutual replay "));
  CHECK(contains(r.out, "✔ mic         acceptor->initiator"));
  CHECK(!has_escape(r.out));  // stdout is a pipe: --color auto means no colour
}

TEST_CASE("text view: SPNEGO legs summarise the offered mechs and the inner krb5 token", "[text_view][lab]") {
  Lab lab;
  const auto r = lab.run({"--format", "text", "local", "--mech", "spnego"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "SPNEGO NegTokenInit [krb5, ntlmssp] → krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno 2"));
  CHECK(contains(r.out, "SPNEGO NegTokenResp accept-completed mech krb5 → krb5 AP-REP aes256-cts"));
}

TEST_CASE("text view: a failed handshake shows the error class, stage, message and next step", "[text_view][lab]") {
  Lab lab;
  const auto r = lab.run({"--format", "text", "local", "--mech", "krb5", "--target", "nosuch@localhost"});
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "✘ not established"));
  CHECK(contains(r.out, "✘ error: service_principal_unknown at init_sec_context (initiator side)\n"));
  CHECK(contains(r.out, "  Server nosuch/localhost@AUTHCTX.TEST not found in Kerberos database\n"));
  CHECK(contains(r.out, "  major  GSS_S_FAILURE (851968)\n"));
  CHECK(contains(r.out, "  next: the KDC has no principal for this target"));
}

TEST_CASE("text view: --verbose adds the full decoded tree under each leg", "[text_view][lab]") {
  Lab lab;
  const auto plain = lab.run({"--format", "text", "local", "--mech", "krb5"});
  const auto verbose = lab.run({"--format", "text", "--verbose", "local", "--mech", "krb5"});
  REQUIRE(verbose.exit_code == 0);
  CHECK(!contains(plain.out, "sname: host/localhost"));
  CHECK(contains(verbose.out, "type: krb5.ap_req"));
  CHECK(contains(verbose.out, "sname: host/localhost"));
  CHECK(contains(verbose.out, "etype: aes256-cts-hmac-sha1-96 (18)"));
}

TEST_CASE("text view: decode shows a summary per token and the decoding problems with offsets", "[text_view][decode]") {
  const auto ok = run_authctx({"--format", "text", "decode", k_tokens + "krb5_krb_error_badkeyver.hex"});
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.out, "authctx decode  1 token  ✔ decoded\n"));
  CHECK(contains(ok.out, "   krb5 KRB-ERROR KRB_AP_ERR_BADKEYVER (44) for stale/localhost@AUTHCTX.TEST\n"));
  const auto bad = run_authctx({"--format", "text", "decode", "6082000a06092a864886f712010202"});
  CHECK(bad.exit_code == 4);
  CHECK(contains(bad.out, "✘ not fully decodable"));
  CHECK(contains(bad.out, "! offset 14: InitialContextToken: 1 unexpected trailing bytes"));
  CHECK(contains(bad.out, "✘ error: undecodable at decode"));
  CHECK(!contains(bad.out, "not established"));
}

TEST_CASE("text view: mechs lists each mechanism with its OID", "[text_view]") {
  const auto r = run_authctx({"--format", "text", "mechs"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "  krb5     1.2.840.113554.1.2.2 "));
  CHECK(contains(r.out, "  spnego   1.3.6.1.5.5.2 "));
}

TEST_CASE("text view: --color always colours, --color never and NO_COLOR do not", "[text_view][color]") {
  const std::vector<std::string> args_tail{"decode", k_tokens + "krb5_ap_rep.hex"};
  auto with = [&](std::vector<std::string> front) {
    front.insert(front.begin(), {"--format", "text"});
    front.insert(front.end(), args_tail.begin(), args_tail.end());
    return front;
  };
  const auto always = run_authctx(with({"--color", "always"}));
  CHECK(always.exit_code == 0);
  CHECK(has_escape(always.out));
  CHECK(contains(always.out, "\x1b[32;1m✔ decoded\x1b[0m"));
  CHECK(!has_escape(run_authctx(with({"--color", "never"})).out));
  CHECK(!has_escape(run_authctx(with({})).out));
  CHECK(!has_escape(run_authctx(with({}), {{"NO_COLOR", "1"}}).out));
  // An explicit --color always wins over NO_COLOR.
  CHECK(has_escape(run_authctx(with({"--color", "always"}), {{"NO_COLOR", "1"}}).out));
  // JSON is never coloured.
  CHECK(!has_escape(run_authctx({"--format", "json", "--color", "always", "mechs"}).out));
}

TEST_CASE("text view: on a terminal auto colours unless NO_COLOR is set", "[text_view][color]") {
  const auto script = authctx::util::find_program("script");
  if (!script) std::exit(77);
  auto on_tty = [&](const std::string& env_prefix) {
    authctx::util::RunOptions o;
    const std::string cmd = env_prefix + "'" + std::string(AUTHCTX_BINARY) + "' --format text decode '" + k_tokens +
                            "krb5_ap_rep.hex'";
    o.argv = {*script, "-qec", cmd, "/dev/null"};
    o.timeout = std::chrono::seconds(30);
    return authctx::util::run(o);
  };
  const auto colored = on_tty("env -u NO_COLOR ");
  REQUIRE(colored.exit_code == 0);
  CHECK(has_escape(colored.out));
  const auto plain = on_tty("env NO_COLOR=1 ");
  REQUIRE(plain.exit_code == 0);
  CHECK(contains(plain.out, "✔ decoded"));
  CHECK(!has_escape(plain.out));
}
