// src/doctor's report document and hints, without a realm: the JSON shape, the summary
// counts, the error object naming the first failing check, and the classes and hints
// shared with handshake errors.
#include <catch2/catch.hpp>

#include "doctor/doctor.hpp"
#include "doctor/hints.hpp"
#include "doctor/checks.hpp"

using namespace authctx::doctor;

namespace {
Check make(const std::string& id, Status s, const std::string& cls = {}) {
  Check c;
  c.check = id;
  c.status = s;
  c.detail = id + " detail";
  c.cls = cls;
  if (!cls.empty()) c.hint = "do something";
  return c;
}
}  // namespace

TEST_CASE("doctor report: checks, summary and a null error when nothing failed", "[doctor][report]") {
  Report r;
  r.checks.push_back(make("krb5_config", Status::ok));
  r.checks.push_back(make("tgt", Status::warn, "credentials_expiring"));
  r.checks.push_back(make("target", Status::skip));
  r.checks.back().data = {{"requested", "host@localhost"}};
  CHECK_FALSE(r.failed());
  const auto doc = to_json(r);
  CHECK(doc["schema"] == "authctx/1");
  CHECK(doc["command"] == "doctor");
  CHECK(doc["ok"] == true);
  CHECK(doc["error"].is_null());
  REQUIRE(doc["checks"].size() == 3);
  CHECK(doc["checks"][0]["check"] == "krb5_config");
  CHECK(doc["checks"][0]["status"] == "ok");
  CHECK(doc["checks"][0]["detail"] == "krb5_config detail");
  CHECK(doc["checks"][0]["class"].is_null());
  CHECK(doc["checks"][0]["hint"].is_null());
  CHECK(doc["checks"][0]["data"].is_object());
  CHECK(doc["checks"][1]["status"] == "warn");
  CHECK(doc["checks"][1]["class"] == "credentials_expiring");
  CHECK(doc["checks"][2]["data"]["requested"] == "host@localhost");
  CHECK(doc["summary"] == nlohmann::ordered_json{{"ok", 1}, {"warn", 1}, {"fail", 0}, {"skip", 1}});
}

TEST_CASE("doctor report: the error object names the first failing check", "[doctor][report]") {
  Report r;
  r.checks.push_back(make("ccache", Status::fail, "no_credentials"));
  r.checks.push_back(make("keytab_kvno", Status::fail, "keytab_kvno_mismatch"));
  CHECK(r.failed());
  const auto doc = to_json(r);
  CHECK(doc["ok"] == false);
  CHECK(doc["summary"]["fail"] == 2);
  CHECK(doc["error"]["stage"] == "doctor");
  CHECK(doc["error"]["check"] == "ccache");
  CHECK(doc["error"]["class"] == "no_credentials");
  CHECK(doc["error"]["hint"] == "do something");
  CHECK(doc["error"]["message"] == "ccache: ccache detail");
}

TEST_CASE("doctor hints: krb5 codes get the handshake classes and hints", "[doctor][hints]") {
  const auto unknown = classify_krb5(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN);
  CHECK(unknown.cls == "service_principal_unknown");
  CHECK(unknown.hint.find("dns_canonicalize_hostname") != std::string::npos);
  CHECK(classify_krb5(KRB5_FCC_NOFILE).cls == "no_credentials");
  CHECK(classify_krb5(KRB5_KDC_UNREACH).cls == "kdc_unreachable");
}

TEST_CASE("doctor hints: every class the doctor reports has a hint", "[doctor][hints]") {
  for (const char* cls : {"kdc_unreachable", "realm_unknown", "no_credentials", "credentials_expired", "clock_skew",
                          "service_principal_unknown", "keytab_no_matching_key", "keytab_kvno_mismatch",
                          "keytab_missing", "weak_enctype", "mech_unavailable", "config_unreadable",
                          "delegation_not_granted", "credentials_expiring"}) {
    const auto h = hint_for(cls);
    INFO(cls);
    CHECK(h.cls == cls);
    CHECK(h.hint.size() > 20);
    CHECK(h.hint != "see the check's detail");
  }
  CHECK(hint_for("keytab_kvno_mismatch").hint.find("ktadd") != std::string::npos);
  CHECK(hint_for("mech_unavailable").hint.find("gss-ntlmssp") != std::string::npos);
}

TEST_CASE("doctor enctypes: names from the library and weak ones flagged", "[doctor][enctype]") {
  CHECK(enctype_json(18) == nlohmann::ordered_json{{"id", 18}, {"name", "aes256-cts-hmac-sha1-96"}});
  CHECK(weak_enctype(ENCTYPE_ARCFOUR_HMAC));
  CHECK(weak_enctype(ENCTYPE_DES_CBC_CRC));
  CHECK_FALSE(weak_enctype(ENCTYPE_AES256_CTS_HMAC_SHA1_96));
  CHECK_FALSE(weak_enctype(ENCTYPE_AES256_CTS_HMAC_SHA384_192));
}
