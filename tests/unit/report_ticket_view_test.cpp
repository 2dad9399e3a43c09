// The acceptor's look inside its ticket in the document (report/ticket_view.hpp) and the PAC
// name attributes decoded in its CONTEXT view (report/document.cpp), on captured data: a
// Document holding a captured exchange's legs and the keytab that opens it, and name
// attributes holding the buffers of a Samba PAC (tests/data). No realm: the krb5 context
// reads a krb5.conf written here.
#include <catch2/catch.hpp>
#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "report/document.hpp"
#include "report/ticket_view.hpp"
#include "support/bindings.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"

using authctx::report::Direction;
using authctx::report::Document;
using nlohmann::json;

namespace {
const std::string kData = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/";

// KRB5_CONFIG pointed at an empty profile of ours for the test's duration.
struct OwnKrb5Config {
  authctx::test::TempDir dir;
  std::string saved;
  bool had = false;
  OwnKrb5Config() {
    if (const char* v = ::getenv("KRB5_CONFIG")) {
      had = true;
      saved = v;
    }
    const std::string conf = dir.path + "/krb5.conf";
    std::ofstream(conf) << "[libdefaults]\n";
    ::setenv("KRB5_CONFIG", conf.c_str(), 1);
  }
  ~OwnKrb5Config() {
    if (had)
      ::setenv("KRB5_CONFIG", saved.c_str(), 1);
    else
      ::unsetenv("KRB5_CONFIG");
  }
};

Document captured(const std::string& exchange) {
  std::ifstream in(kData + "exchanges/" + exchange);
  const auto j = json::parse(in);
  Document doc;
  for (const auto& leg : j["legs"]) {
    authctx::report::Leg l;
    l.index = leg["index"].get<int>();
    l.direction = leg["direction"] == "initiator->acceptor" ? Direction::initiator_to_acceptor
                                                            : Direction::acceptor_to_initiator;
    l.token = *authctx::util::base64_decode(leg["base64"].get<std::string>());
    authctx::report::decode_leg(l, false);
    doc.legs.push_back(std::move(l));
  }
  return doc;
}

std::vector<std::uint8_t> hex_file(const std::string& name) {
  std::ifstream in(kData + "tokens/" + name);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return *authctx::util::hex_decode(text);
}
}  // namespace

TEST_CASE("ticket view: the document's acceptor keys open the captured ticket and compare the bindings",
          "[report][ticket]") {
  OwnKrb5Config config;
  auto doc = captured("mit_krb5_deleg_cb.json");
  CHECK_FALSE(authctx::report::acceptor_ticket_view(doc).has_value());  // no acceptor keys: nothing to say
  doc.acceptor_keys = authctx::report::AcceptorKeys{kData + "exchanges/mit.keytab", std::nullopt};
  const std::string app = "authctx-test-bindings";
  doc.acceptor_keys->bindings = authctx::util::Bytes(app.begin(), app.end());
  const auto view = authctx::report::acceptor_ticket_view(doc);
  REQUIRE(view.has_value());
  CHECK((*view)["client"] == "alice@AUTHCTX.TEST");
  CHECK((*view)["kvno"] == 2);
  CHECK((*view)["keytab"] == kData + "exchanges/mit.keytab");
  CHECK((*view)["authenticator"]["bindings"]["match"] == true);
  CHECK((*view)["authenticator"]["bindings"]["sent"] == authctx::test::gss_bindings_md5_hex(app));

  SECTION("a keytab that cannot be read gives no view (the acceptor reports that itself)") {
    doc.acceptor_keys->keytab = kData + "exchanges/missing.keytab";
    CHECK_FALSE(authctx::report::acceptor_ticket_view(doc).has_value());
  }
  SECTION("a FILE: prefix is accepted") {
    doc.acceptor_keys->keytab = "FILE:" + kData + "exchanges/mit.keytab";
    CHECK(authctx::report::acceptor_ticket_view(doc).has_value());
  }
}

TEST_CASE("ticket view: PAC name attributes are decoded in the acceptor's CONTEXT view", "[report][pac]") {
  const auto pac = hex_file("pac_samba_alice.hex");
  // The logon-info buffer of this PAC sits at offset 120, 448 bytes (its buffer list).
  authctx::gss::NameAttribute logon;
  logon.name = "urn:mspac:logon-info";
  logon.values.push_back(authctx::util::Bytes(pac.begin() + 120, pac.begin() + 120 + 448));
  authctx::gss::NameAttribute whole;
  whole.name = "urn:mspac:";
  whole.values.push_back(pac);
  authctx::gss::NameAttribute other;
  other.name = "urn:example:other";
  other.values.push_back({1, 2, 3});
  authctx::report::ContextView view;
  view.info.name_attributes = {whole, logon, other};
  const auto j = authctx::report::context_json(view, {});
  const auto& attrs = j["name_attributes"];
  REQUIRE(attrs.size() == 3);
  CHECK(attrs[0]["decoded"]["type"] == "mspac.pac");
  CHECK(attrs[0]["decoded"]["buffer_count"] == 7);
  CHECK_FALSE(attrs[0]["decoded"]["buffers"][0].contains("decoded"));
  CHECK(attrs[1]["decoded"]["type"] == "mspac.logon_info");
  CHECK(attrs[1]["decoded"]["user_id"] == 1102);
  CHECK(attrs[1]["decoded"]["groups"][1]["rid"] == 1103);
  CHECK_FALSE(attrs[2].contains("decoded"));
  CHECK_FALSE(j.contains("ticket"));
  CHECK_FALSE(attrs[1].contains("values_base64"));  // values only with --show-secrets, as before
}
