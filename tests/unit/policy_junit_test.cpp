// The JUnit report (policy/junit.hpp) and its XML escaping (policy/xml_text.hpp): hostile
// bytes (invalid UTF-8, controls XML 1.0 forbids, markup) come out as well-formed text,
// and a suite carries its properties, testcases, failures and skips.
#include <catch2/catch.hpp>

#include "policy/evaluate.hpp"
#include "policy/junit.hpp"
#include "policy/xml_text.hpp"
#include "unit/policy_fixtures.hpp"

using authctx::policy::Json;
using authctx::policy::xml_attribute;
using authctx::policy::xml_text;

namespace {
Json captured(const std::string& name) { return authctx::test::captured_document(name); }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Every byte sequence in s is a Char of XML 1.0 §2.2 in valid UTF-8, and no markup is raw.
bool xml_safe(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n') return false;  // CR is always &#13;
    if (c == '<' || c == '>') return false;
  }
  return true;
}
}  // namespace

TEST_CASE("policy: XML text escapes markup and replaces what XML 1.0 cannot carry", "[policy][junit][xml]") {
  CHECK(xml_text("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_text("line\nnext\ttab") == "line\nnext\ttab");
  CHECK(xml_attribute("line\nnext\ttab") == "line&#10;next&#9;tab");
  CHECK(xml_text("cr\r") == "cr&#13;");
  CHECK(xml_text(std::string("nul\0x", 5)) == "nul\xe2\x90\x80x");  // U+2400 SYMBOL FOR NULL
  CHECK(xml_text("\x1b[31mred") == "\xe2\x90\x9b[31mred");          // ESC as U+241B
  CHECK(xml_text("del\x7f") == "del\xe2\x90\xa1");
  CHECK(xml_text("\xc2\x9b"
                 "csi") ==
        "\xef\xbf\xbd"
        "csi");                                       // C1 CSI as U+FFFD
  CHECK(xml_text("\xef\xbf\xbe") == "\xef\xbf\xbd");  // U+FFFE non-character
  // Invalid UTF-8: one U+FFFD per bad byte, the rest kept.
  CHECK(xml_text("a\xff"
                 "b") ==
        "a\xef\xbf\xbd"
        "b");
  CHECK(xml_text("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");                                  // overlong '/'
  CHECK(xml_text("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");                  // a surrogate
  CHECK(xml_text("\xf4\x90\x80\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // > U+10FFFF
  CHECK(xml_text("trunc\xe2\x82") == "trunc\xef\xbf\xbd\xef\xbf\xbd");
  // Valid multi-byte text passes through: é, ✔, 😀.
  CHECK(xml_text("\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x98\x80") == "\xc3\xa9 \xe2\x9c\x94 \xf0\x9f\x98\x80");
  // Every byte value, alone and in pairs, comes out safe.
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  CHECK(xml_safe(xml_text(all + all)));
  CHECK(xml_safe(xml_attribute(all)));
  CHECK_FALSE(contains(xml_attribute(all), "\n"));
}

TEST_CASE("policy: a JUnit suite has establishment and expectation testcases with properties", "[policy][junit]") {
  const std::vector<authctx::policy::Expectation> list{authctx::policy::parse_expectation("mech=krb5"),
                                                       authctx::policy::parse_expectation("enctype>=aes128"),
                                                       authctx::policy::parse_expectation("legs<=2")};
  Json doc = captured("local_spnego_ntlm_fallback");
  authctx::policy::apply_expectations(doc, list);
  authctx::policy::JunitReport report;
  CHECK(report.empty());
  report.add(doc, {"authctx local", "authctx.local", "text \x1b view <here>", 1795000000, "ci-host"});
  const auto xml = report.xml();
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"authctx\" tests=\"4\" failures=\"3\" "
                  "errors=\"0\" skipped=\"0\"",
                  0) == 0);
  CHECK(contains(xml, "<testsuite name=\"authctx local\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\""));
  CHECK(contains(xml, "timestamp=\"2026-11-18T11:06:40\" hostname=\"ci-host\""));
  CHECK(contains(xml, "<property name=\"mech\" value=\"ntlm\"/>"));
  CHECK(contains(xml, "<property name=\"spnego\" value=\"true\"/>"));
  CHECK(contains(xml, "<property name=\"legs\" value=\"4\"/>"));
  CHECK(contains(xml, "<property name=\"source_name\" value=\"AUTHCTX.TEST\\alice\"/>"));
  CHECK(contains(xml, "<property name=\"error_class\" value=\"expectation_failed\"/>"));
  CHECK(contains(xml, "<testcase classname=\"authctx.local\" name=\"context established\""));
  CHECK(contains(xml, "name=\"expect enctype&gt;=aes128\""));
  CHECK(contains(xml, "<failure type=\"expectation_failed\" message=\"expected krb5, actual ntlm\">"));
  CHECK(contains(xml, "message=\"expected &lt;= 2, actual 4\""));
  CHECK(contains(xml, "<system-out>text \xe2\x90\x9b view &lt;here&gt;</system-out>"));

  // A failed handshake: the establishment case fails with the error's class, and the
  // expectations are skipped.
  Json failed = captured("local_failed");
  authctx::policy::apply_expectations(failed, list);
  authctx::policy::JunitReport r2;
  r2.add(failed, {"authctx local", "authctx.local", "", 0, "h"});
  const auto x2 = r2.xml();
  CHECK(contains(x2, "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"3\""));
  CHECK(contains(x2,
                 "<failure type=\"service_principal_unknown\" message=\"Server nosuch/localhost@AUTHCTX.TEST not "
                 "found in Kerberos database\">class: service_principal_unknown\nstage: init_sec_context\nside: "
                 "initiator\n"));
  CHECK(contains(x2, "<skipped message=\"not evaluated: the context was not established\"/>"));
}

TEST_CASE("policy: an unfinished report fails instead of passing empty", "[policy][junit]") {
  const auto xml = authctx::policy::JunitReport::unfinished("authctx server", "authctx.server", "no <handshake>");
  CHECK(contains(xml, "<testsuites name=\"authctx\" tests=\"1\" failures=\"0\" errors=\"1\""));
  CHECK(contains(xml, "<error type=\"not_finished\" message=\"no &lt;handshake&gt;\">no &lt;handshake&gt;</error>"));
}
