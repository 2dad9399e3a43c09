// Unit tests for src/report/ad_diagnostics: the hints it writes from a document and, when
// KRB5_CONFIG is an AD lab's, from that lab's lab.json (here a hand-made one, including
// hostile ones). The same diagnostics are provoked for real in
// tests/integration/samba_diagnostics_test.cpp.
#include <catch2/catch.hpp>

#include <krb5/krb5.h>
#include <stdlib.h>

#include <string>

#include "report/classify.hpp"
#include "support/harness.hpp"
#include "util/files.hpp"

using authctx::report::Document;
using authctx::report::ErrorReport;
using authctx::report::Side;

namespace {

// A TGS failure "Server not found in Kerberos database" for doc's target, classified.
ErrorReport principal_unknown(const Document& doc) {
  ErrorReport r;
  r.stage = "init_sec_context";
  r.side = Side::initiator;
  r.gss = authctx::gss::GssError("init_sec_context", GSS_S_FAILURE,
                                 static_cast<OM_uint32>(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN));
  authctx::report::classify(r, &doc);
  return r;
}

// Points KRB5_CONFIG at a folder whose lab.json is `state` for the test's lifetime.
struct FakeLab {
  authctx::test::TempDir dir;
  explicit FakeLab(const std::string& state) {
    authctx::util::write_private_file(dir.path + "/lab.json", state);
    ::setenv("KRB5_CONFIG", (dir.path + "/krb5.conf").c_str(), 1);
  }
  ~FakeLab() { ::unsetenv("KRB5_CONFIG"); }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("ad diagnostics: an IPv4 or IPv6 target gets the host name hint", "[core][unit][ad]") {
  ::unsetenv("KRB5_CONFIG");
  Document doc;
  doc.target = "HTTP@10.1.2.3";
  auto r = principal_unknown(doc);
  CHECK(r.cls == "service_principal_unknown");
  CHECK(has(r.hint, "the target names an IP address (10.1.2.3)"));
  CHECK(has(r.hint, "HTTP/10.1.2.3"));
  CHECK(has(r.hint, "--resolve HOST:PORT:ADDRESS"));
  doc.target = "ldap@[::1]";
  CHECK(has(principal_unknown(doc).hint, "names an IP address (::1)"));
}

TEST_CASE("ad diagnostics: a host name keeps the generic hint and adds the duplicate SPN check", "[core][unit][ad]") {
  ::unsetenv("KRB5_CONFIG");
  Document doc;
  doc.target = "HTTP@web.example.com";
  const auto r = principal_unknown(doc);
  CHECK(r.cls == "service_principal_unknown");
  CHECK(has(r.hint, "the KDC has no principal for this target"));
  CHECK(has(r.hint, "setspn -X"));
  CHECK_FALSE(has(r.hint, "IP address"));
}

TEST_CASE("ad diagnostics: with an AD lab's KRB5_CONFIG the duplicate's accounts and the fix are named",
          "[core][unit][ad]") {
  const FakeLab lab(R"({"schema": "authctx/lab-state/1", "flavour": "samba", "dir": "/tmp/the-lab",
    "accounts": [{"name": "websvc", "spns": ["HTTP/web"], "user_account_control": 512},
                 {"name": "hostsvc", "spns": ["host/web", "http/WEB"], "user_account_control": 512}]})");
  Document doc;
  doc.target = "HTTP@web";
  const auto r = principal_unknown(doc);
  CHECK(has(r.hint, "HTTP/web is registered on 2 accounts (websvc, hostsvc)"));
  CHECK(has(r.hint, "`authctx lab ad spn --account hostsvc --remove HTTP/web --dir /tmp/the-lab`"));
  CHECK(has(r.hint, "setspn -D HTTP/web hostsvc"));
}

TEST_CASE("ad diagnostics: an MIT lab's or a hostile lab.json changes nothing", "[core][unit][ad]") {
  Document doc;
  doc.target = "HTTP@web";
  for (const std::string& state :
       {std::string(R"({"schema": "authctx/lab-state/1", "flavour": "mit", "accounts": []})"),
        std::string(R"({"schema": "authctx/lab-state/1", "flavour": "samba", "accounts": "nope"})"),
        std::string(R"({"schema": "authctx/lab-state/1", "flavour": "samba", "accounts": [7, null, {"name": 3}]})"),
        std::string(50000, '['), std::string("\xff\xfe{not json")}) {
    INFO(state.substr(0, 60));
    const FakeLab lab(state);
    const auto r = principal_unknown(doc);
    CHECK(r.cls == "service_principal_unknown");
    CHECK_FALSE(has(r.hint, "registered on"));
    CHECK(has(r.hint, "setspn -X"));
  }
}

TEST_CASE("ad diagnostics: a stale keytab outside AD keeps MIT's hint", "[core][unit][ad]") {
  ::unsetenv("KRB5_CONFIG");
  Document doc;
  ErrorReport r;
  r.stage = "accept_sec_context";
  r.side = Side::acceptor;
  r.gss = authctx::gss::GssError("accept_sec_context", GSS_S_FAILURE, static_cast<OM_uint32>(KRB5_KT_KVNONOTFOUND));
  authctx::report::classify(r, &doc);
  CHECK(r.cls == "keytab_kvno_mismatch");
  CHECK(has(r.hint, "kadmin ktadd -norandkey"));
  CHECK_FALSE(has(r.hint, "msDS-KeyVersionNumber"));
}
