// The text view (src/text/view.hpp) on captured tokens and hand-made documents: token
// summaries name what a person checks first, contexts sit side by side, the error shows
// class and next step, and colour appears only when asked for.
#include <catch2/catch.hpp>

#include <string>

#include "report/decoded_json.hpp"
#include "text/view.hpp"
#include "unit/decode_fixtures.hpp"

using authctx::json::Json;
using authctx::text::render_text;
using authctx::text::summarize_token;
using authctx::text::TextOptions;

namespace {
std::string summary_of_fixture(const std::string& name) {
  return summarize_token(authctx::report::to_json(authctx::test::decode_fixture(name)));
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

Json krb5_document() {
  Json ctx_i = Json::parse(R"j({"source_name": "alice@AUTHCTX.TEST", "target_name": "host/localhost@AUTHCTX.TEST",
    "mech": {"name": "krb5", "oid": "1.2.840.113554.1.2.2"},
    "flags": {"requested": ["mutual", "replay"], "granted": ["mutual", "replay", "conf", "integ", "trans"]},
    "lifetime_seconds": 35990, "expires_at": "2026-11-22T09:00:00Z", "locally_initiated": true, "open": true,
    "session_key": {"enctype": {"id": 18, "name": "aes256-cts-hmac-sha1-96"}, "length": 32},
    "ticket_flags": ["forwardable", "pre_authent"], "name_attributes": [], "delegated_credentials": null})j");
  Json ctx_a = ctx_i;
  ctx_a.erase("flags");
  ctx_a["flags"] = Json::parse(R"j({"granted": ["mutual", "replay", "conf", "integ", "prot_ready", "trans"]})j");
  ctx_a["name_attributes"] = Json::parse(R"j([{"name": "urn:mspac:client-info"}])j");
  Json doc = Json::parse(R"j({"schema": "authctx/1", "command": "local", "established": true,
    "mech": {"name": "krb5", "oid": "1.2.840.113554.1.2.2"}})j");
  doc["legs"] = Json::array();
  doc["legs"].push_back(Json{{"index", 1}, {"direction", "initiator->acceptor"}, {"length", 702},
                             {"decoded", authctx::report::to_json(authctx::test::decode_fixture("krb5_ap_req"))}});
  doc["legs"].push_back(Json{{"index", 2}, {"direction", "acceptor->initiator"}, {"length", 156},
                             {"decoded", authctx::report::to_json(authctx::test::decode_fixture("krb5_ap_rep"))}});
  doc["initiator"] = ctx_i;
  doc["acceptor"] = ctx_a;
  doc["messages"] = Json::parse(R"j([{"kind": "wrap", "direction": "initiator->acceptor", "conf_requested": true, "ok": true},
    {"kind": "mic", "direction": "acceptor->initiator", "ok": false, "error": "verify_mic: Token header is malformed"}])j");
  doc["warnings"] = Json::parse(R"j([{"class": "ntlm_fallback", "message": "SPNEGO chose NTLM", "hint": "get a ticket"}])j");
  doc["error"] = nullptr;
  return doc;
}
}  // namespace

TEST_CASE("text view: a SPNEGO NegTokenInit summary names the offered mechs and the inner AP-REQ",
          "[text_view][summary]") {
  const auto s = summary_of_fixture("spnego_init_krb5");
  CHECK(s.rfind("SPNEGO NegTokenInit [krb5", 0) == 0);
  CHECK(contains(s, "ntlmssp]"));
  CHECK(contains(s, " → krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno "));
  CHECK(contains(s, "mutual-required"));
}

TEST_CASE("text view: Kerberos summaries show service, enctype, kvno and error names", "[text_view][summary]") {
  const auto ap_req = summary_of_fixture("krb5_ap_req");
  CHECK(ap_req.rfind("krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno ", 0) == 0);
  CHECK(summary_of_fixture("krb5_ap_rep") == "krb5 AP-REP aes256-cts");
  const auto err = summary_of_fixture("krb5_krb_error_badkeyver");
  CHECK(err == "krb5 KRB-ERROR KRB_AP_ERR_BADKEYVER (44) for stale/localhost@AUTHCTX.TEST");
  const auto preauth = summary_of_fixture("kdc_krb_error_preauth_required");
  CHECK(contains(preauth, "KDC_ERR_PREAUTH_REQUIRED (25)"));
  CHECK(contains(preauth, "client alice@AUTHCTX.TEST"));
  CHECK(contains(preauth, "\"NEEDED_PREAUTH\""));
  const auto as_req = summary_of_fixture("kdc_as_req");
  CHECK(as_req.rfind("krb5 AS-REQ alice@AUTHCTX.TEST for krbtgt/AUTHCTX.TEST@AUTHCTX.TEST", 0) == 0);
  CHECK(contains(summary_of_fixture("kdc_as_rep"), "ticket krbtgt/AUTHCTX.TEST@AUTHCTX.TEST aes256-cts kvno 1"));
  CHECK(summary_of_fixture("iakerb_as_req").rfind("IAKERB realm AUTHCTX.TEST → krb5 AS-REQ alice@AUTHCTX.TEST", 0) == 0);
  CHECK(contains(summary_of_fixture("krb5_wrap_sealed"), "krb5 Wrap sealed"));
  CHECK(summary_of_fixture("krb5_mic_initiator").rfind("krb5 MIC ", 0) == 0);
}

TEST_CASE("text view: NTLM summaries show the challenge target and the authenticating user", "[text_view][summary]") {
  CHECK(summary_of_fixture("ntlm_negotiate").rfind("NTLM NEGOTIATE", 0) == 0);
  const auto challenge = summary_of_fixture("ntlm_challenge");
  CHECK(challenge.rfind("NTLM CHALLENGE target ", 0) == 0);
  CHECK(contains(challenge, ", challenge "));
  const auto auth = summary_of_fixture("ntlm_authenticate");
  CHECK(auth.rfind("NTLM AUTHENTICATE ", 0) == 0);
  CHECK(contains(auth, "\\alice"));
  CHECK(contains(auth, "ntlmv2"));
  const auto spnego_challenge = summary_of_fixture("spnego_resp_ntlm_challenge");
  CHECK(spnego_challenge.rfind("SPNEGO NegTokenResp accept-incomplete mech ntlmssp → NTLM CHALLENGE target ", 0) == 0);
}

TEST_CASE("text view: a token that does not decode says why and counts its decoding problems", "[text_view][summary]") {
  const auto unknown = summarize_token(Json::parse(R"j({"type": "unknown", "reason": "unrecognised token", "length": 4})j"));
  CHECK(unknown == "unknown token: unrecognised token");
  const auto broken = summarize_token(Json::parse(
      R"j({"type": "gss.initial_context_token", "length": 15, "diagnostics": [{"offset": 14, "message": "a"}, {"offset": 4, "message": "b"}]})j"));
  CHECK(broken == "GSS initial context token (2 decoding problems)");
  CHECK(summarize_token(Json()).empty());
}

TEST_CASE("text view: a handshake shows legs with arrows, both contexts side by side, messages and warnings",
          "[text_view]") {
  const auto text = render_text(krb5_document(), TextOptions{});
  CHECK(contains(text, "authctx local  ✔ context established  mech krb5 (1.2.840.113554.1.2.2)"));
  CHECK(contains(text, "1  initiator ──▶ acceptor  702 B   krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno"));
  CHECK(contains(text, "2  initiator ◀── acceptor  156 B   krb5 AP-REP aes256-cts"));
  // Side by side: one row per property, initiator column then acceptor column.
  CHECK(contains(text, "  source name       alice@AUTHCTX.TEST                alice@AUTHCTX.TEST\n"));
  CHECK(contains(text, "  flags requested   mutual replay                     -\n"));
  CHECK(contains(text, "  session key       aes256-cts-hmac-sha1-96 (32 B)    aes256-cts-hmac-sha1-96 (32 B)\n"));
  CHECK(contains(text, "  lifetime          35990 s (9h59m)"));
  CHECK(contains(text, "urn:mspac:client-info"));
  CHECK(contains(text, "✔ wrap (conf) initiator->acceptor"));
  CHECK(contains(text, "✘ mic         acceptor->initiator  verify_mic: Token header is malformed"));
  CHECK(contains(text, "! ntlm_fallback: SPNEGO chose NTLM\n    next: get a ticket"));
  CHECK(!contains(text, "\x1b["));
  CHECK(!contains(text, "error"));
}

TEST_CASE("text view: the error shows its class, stage, side, codes and next step", "[text_view]") {
  Json doc = Json::parse(R"j({"schema": "authctx/1", "command": "client", "established": false, "legs": [],
    "error": {"stage": "init_sec_context", "side": "initiator",
      "major": {"code": 851968, "routine": "GSS_S_FAILURE", "calling": null, "supplementary": [],
                "text": ["Unspecified GSS failure.  Minor code may provide more information"]},
      "minor": {"code": 2529638919, "text": "Server nosuch/localhost@AUTHCTX.TEST not found in Kerberos database"},
      "message": "Server nosuch/localhost@AUTHCTX.TEST not found in Kerberos database",
      "class": "service_principal_unknown", "hint": "the KDC has no principal for this target"}})j");
  const auto text = render_text(doc, TextOptions{});
  CHECK(contains(text, "✘ not established"));
  CHECK(contains(text, "✘ error: service_principal_unknown at init_sec_context (initiator side)\n"));
  CHECK(contains(text, "  Server nosuch/localhost@AUTHCTX.TEST not found in Kerberos database\n"));
  CHECK(contains(text, "  major  GSS_S_FAILURE (851968)\n"));
  CHECK(contains(text, "  minor  2529638919\n"));
  CHECK(contains(text, "  next: the KDC has no principal for this target\n"));
}

TEST_CASE("text view: colour codes appear only with color on, and --verbose adds the decoded tree", "[text_view]") {
  const auto plain = render_text(krb5_document(), TextOptions{false, false});
  const auto colored = render_text(krb5_document(), TextOptions{true, false});
  CHECK(!contains(plain, "\x1b["));
  CHECK(contains(colored, "\x1b[32;1m✔ context established\x1b[0m"));
  const auto verbose = render_text(krb5_document(), TextOptions{false, true});
  CHECK(!contains(plain, "sname: host/localhost"));
  CHECK(contains(verbose, "sname: host/localhost"));
  CHECK(contains(verbose, "etype: aes256-cts-hmac-sha1-96 (18)"));
}

TEST_CASE("text view: decode, mechs and lab documents get views of their own", "[text_view]") {
  Json decode = Json::parse(R"j({"schema": "authctx/1", "command": "decode", "tokens": [
    {"source": "argument 1", "length": 4, "form": "hex", "decoded": {"type": "unknown", "reason": "unrecognised token (leading bytes deadbeef)", "length": 4}}],
    "error": {"stage": "decode", "major": null, "minor": null, "message": "1 of 1 token was not fully decodable",
              "class": "undecodable", "hint": "see each token's diagnostics, reason or error"}})j");
  const auto d = render_text(decode, TextOptions{});
  CHECK(contains(d, "authctx decode  1 token  ✘ not fully decodable"));
  CHECK(contains(d, "1. argument 1  4 B (hex)\n   unknown token: unrecognised token (leading bytes deadbeef)\n"));
  CHECK(contains(d, "✘ error: undecodable at decode"));
  CHECK(!contains(d, "not established"));

  Json mechs = Json::parse(R"j({"schema": "authctx/1", "command": "mechs", "mechs": [
    {"name": "krb5", "oid": "1.2.840.113554.1.2.2", "sasl_name": "GS2-KRB5", "library_name": "krb5",
     "description": "Kerberos 5 GSS-API Mechanism", "initiator_credentials": true}]})j");
  const auto m = render_text(mechs, TextOptions{});
  CHECK(contains(m, "authctx mechs  1 mechanisms"));
  CHECK(contains(m, "  krb5     1.2.840.113554.1.2.2    GS2-KRB5    ✔ yes\n"));

  Json lab = Json::parse(R"j({"schema": "authctx/1", "command": "lab up", "dir": "/tmp/l", "realm": "AUTHCTX.TEST",
    "kdc": {"address": "127.0.0.1", "port": 8888, "pid": 42}, "user": {"name": "alice@AUTHCTX.TEST", "password": "pw"},
    "services": ["host/localhost@AUTHCTX.TEST"], "paths": {"keytab": "/tmp/l/keytab"}, "env": {"KRB5_CONFIG": "/tmp/l/krb5.conf"}})j");
  const auto l = render_text(lab, TextOptions{});
  CHECK(contains(l, "✔ realm AUTHCTX.TEST"));
  CHECK(contains(l, "  kdc       127.0.0.1:8888 (pid 42)\n"));
  CHECK(contains(l, "  export KRB5_CONFIG='/tmp/l/krb5.conf'\n"));
}

TEST_CASE("text view: doctor checks show status, detail, class and next step", "[text_view]") {
  Json doc = Json::parse(R"j({"schema": "authctx/1", "command": "doctor", "ok": false,
    "checks": [{"check": "krb5_config", "status": "ok", "detail": "reads /tmp/krb5.conf", "class": null, "hint": null, "data": {}},
               {"check": "keytab_kvno", "status": "fail", "detail": "keytab has kvno 1, the KDC issues kvno 2",
                "class": "keytab_kvno_mismatch", "hint": "re-export the keytab", "data": {}}],
    "summary": {"ok": 1, "warn": 0, "fail": 1, "skip": 0},
    "error": {"stage": "doctor", "check": "keytab_kvno", "message": "keytab_kvno: keytab has kvno 1, the KDC issues kvno 2",
              "class": "keytab_kvno_mismatch", "hint": "re-export the keytab"}})j");
  const auto text = render_text(doc, TextOptions{});
  CHECK(contains(text, "✘ problems found  (1 ok, 0 warn, 1 fail, 0 skipped)"));
  CHECK(contains(text, "✔ ok    krb5_config   reads /tmp/krb5.conf"));
  CHECK(contains(text, "✘ fail  keytab_kvno   keytab has kvno 1, the KDC issues kvno 2"));
  CHECK(contains(text, "class keytab_kvno_mismatch"));
  CHECK(contains(text, "next: re-export the keytab"));
}
