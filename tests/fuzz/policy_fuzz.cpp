// libFuzzer target for src/policy: whatever the bytes, the XML escaping yields XML 1.0
// text, the expectation parser either parses or throws ExpressionError, and evaluating
// every kind of expectation on an arbitrary JSON document (a client's document holds what
// its server reported) and writing it as JUnit never crashes, throws or hangs. Build with
// -DAUTHCTX_FUZZ=ON and clang (see tests/fuzz/CMakeLists.txt); seeds: tests/fuzz/policy_corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/evaluate.hpp"
#include "policy/expectation.hpp"
#include "policy/junit.hpp"
#include "policy/xml_text.hpp"

namespace {
const std::vector<authctx::policy::Expectation>& every_kind() {
  static const auto list = [] {
    std::vector<authctx::policy::Expectation> v;
    for (const char* e : {"mech=krb5|spnego", "no-ntlm", "enctype>=aes128", "ticket-enctype=rc4-hmac", "flags>=mutual",
                          "ticket-flags>=forwardable", "channel-bound", "delegated", "no-delegation", "pac>=logon-info",
                          "lifetime>=1h", "legs<=2", "user=a*@R", "target=host@h", "no-warnings"})
      v.push_back(authctx::policy::parse_expectation(e));
    return v;
  }();
  return list;
}

void check_xml(const std::string& out) {
  for (const char c : out) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\t' && b != '\n') || c == '<' || c == '>') std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_xml(authctx::policy::xml_text(text));
  check_xml(authctx::policy::xml_attribute(text));
  try {
    (void)authctx::policy::parse_expectation_lines(text, "fuzz");
  } catch (const authctx::policy::ExpressionError&) {}
  auto doc = authctx::policy::Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return 0;
  (void)authctx::policy::apply_expectations(doc, every_kind());
  authctx::policy::RunTally tally(every_kind());
  tally.add(1, authctx::policy::member(doc, "expectations"));
  authctx::policy::Json summary = doc;
  (void)tally.apply(summary);
  authctx::policy::JunitReport report;
  report.add(doc, {"authctx fuzz", "authctx.fuzz", std::string(text), 0, "h"});
  (void)report.xml();
  return 0;
}
