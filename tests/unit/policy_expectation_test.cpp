// The expectation parser (policy/expectation.hpp) and the enctype strength order
// (policy/enctype_strength.hpp): every accepted form, the errors for bad ones, and the
// flag names agreeing with the GSS layer's tables.
#include <catch2/catch.hpp>

#include <string>

#include "gss/flags.hpp"
#include "policy/enctype_strength.hpp"
#include "policy/expectation.hpp"

using authctx::policy::Check;
using authctx::policy::Compare;
using authctx::policy::ExpressionError;
using authctx::policy::parse_expectation;
using authctx::policy::parse_expectation_lines;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_expectation(text);
  } catch (const ExpressionError& e) {
    return e.what();
  }
  return "(parsed)";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("policy: every documented form parses into its check", "[policy][parse]") {
  auto e = parse_expectation("mech=krb5");
  CHECK(e.check == Check::mech);
  CHECK(e.op == Compare::eq);
  CHECK(e.names == std::vector<std::string>{"krb5"});
  e = parse_expectation(" mech = krb5|IAKERB ");
  CHECK(e.text == "mech = krb5|IAKERB");
  CHECK(e.names == std::vector<std::string>{"krb5", "iakerb"});
  e = parse_expectation("mech!=ntlmssp");
  CHECK(e.op == Compare::ne);
  CHECK(e.names == std::vector<std::string>{"ntlm"});
  CHECK(parse_expectation("mech=1.2.840.113554.1.2.2").names.front() == "1.2.840.113554.1.2.2");
  CHECK(parse_expectation("no-ntlm").check == Check::no_ntlm);
  e = parse_expectation("enctype>=aes128");
  CHECK(e.check == Check::enctype);
  CHECK(e.op == Compare::ge);
  CHECK(e.enctype.rank == 5);
  CHECK_FALSE(e.enctype.id.has_value());
  e = parse_expectation("ticket-enctype=aes256-cts");
  CHECK(e.check == Check::ticket_enctype);
  CHECK(e.enctype.id == 18);
  e = parse_expectation("flags>=mutual, integ,conf");
  CHECK(e.check == Check::flags);
  CHECK(e.names == std::vector<std::string>{"mutual", "integ", "conf"});
  CHECK(parse_expectation("ticket-flags>=forwardable,pre_authent").names.size() == 2);
  CHECK(parse_expectation("channel-bound").check == Check::channel_bound);
  CHECK(parse_expectation("delegated").check == Check::delegated);
  CHECK(parse_expectation("no-delegation").check == Check::no_delegation);
  CHECK(parse_expectation("pac").names.empty());
  CHECK(parse_expectation("pac>=logon-info,upn-dns-info,16").names.size() == 3);
  e = parse_expectation("lifetime>=3600");
  CHECK(e.check == Check::lifetime);
  CHECK(e.number == 3600);
  CHECK(parse_expectation("lifetime>=8h").number == 8 * 3600);
  CHECK(parse_expectation("lifetime<30m").op == Compare::lt);
  CHECK(parse_expectation("lifetime>2d").number == 2 * 86400);
  e = parse_expectation("legs<=2");
  CHECK(e.check == Check::legs);
  CHECK(e.op == Compare::le);
  CHECK(e.number == 2);
  CHECK(parse_expectation("legs=4").op == Compare::eq);
  e = parse_expectation("user=alice@AUTHCTX.TEST");
  CHECK(e.check == Check::user);
  CHECK(e.names.front() == "alice@AUTHCTX.TEST");
  CHECK(parse_expectation("target!=HTTP/*").op == Compare::ne);
  CHECK(parse_expectation("no-warnings").check == Check::no_warnings);
}

TEST_CASE("policy: unknown expressions name every accepted form", "[policy][parse][errors]") {
  const auto msg = error_of("kerberos-only");
  CHECK(contains(msg, "unknown expectation \"kerberos-only\""));
  for (const char* form : {"mech=", "no-ntlm", "enctype>=", "ticket-enctype>=", "flags>=", "channel-bound", "delegated",
                           "no-delegation", "pac", "lifetime>=", "legs<=", "user=", "target="})
    CHECK(contains(msg, form));
  CHECK(contains(error_of(""), "empty expectation"));
}

TEST_CASE("policy: malformed expressions say what the form takes", "[policy][parse][errors]") {
  CHECK(contains(error_of("lifetime>=abc"), "lifetime takes seconds"));
  CHECK(contains(error_of("lifetime>=99999999999"), "lifetime takes seconds"));
  CHECK(contains(error_of("lifetime>=5y"), "lifetime takes seconds"));
  CHECK(contains(error_of("legs<=-1"), "legs takes a whole number"));
  CHECK(contains(error_of("legs<=1001"), "legs takes a whole number"));
  CHECK(contains(error_of("legs!=2"), "legs takes >= or <= or > or < or ="));
  CHECK(contains(error_of("enctype>=aes512"), "unknown enctype \"aes512\""));
  CHECK(contains(error_of("enctype>=aes512"), "none < rc4-exp < des < rc4 < des3 < aes128 < aes256"));
  CHECK(contains(error_of("enctype=aes"), "= takes one enctype"));
  CHECK(contains(error_of("enctype<=aes256"), "enctype takes >= or ="));
  CHECK(contains(error_of("enctype"), "enctype takes >=E or =E"));
  CHECK(contains(error_of("flags>=mutal"), "unknown context flag \"mutal\""));
  CHECK(contains(error_of("flags=mutual"), "flags takes >="));
  CHECK(contains(error_of("flags>=mutual,,conf"), "empty name"));
  CHECK(contains(error_of("ticket-flags>=forwarded,ok-as-delegate"), "unknown ticket flag \"ok-as-delegate\""));
  CHECK(contains(error_of("pac>=logon"), "unknown PAC buffer \"logon\""));
  CHECK(contains(error_of("mech=kerberos"), "unknown mechanism \"kerberos\""));
  CHECK(contains(error_of("mech>=krb5"), "mech takes = or !="));
  CHECK(contains(error_of("no-ntlm=yes"), "no-ntlm takes no value"));
  CHECK(contains(error_of("channel-bound=true"), "channel-bound takes no value"));
  CHECK(contains(error_of("user="), "no value after ="));
  CHECK(contains(error_of("target"), "target takes =PRINCIPAL"));
}

TEST_CASE("policy: an expectation file skips comments and blank lines and names the bad line", "[policy][parse]") {
  const auto list = parse_expectation_lines(
      "# CI policy for HTTP/web\n\nmech=krb5   # never NTLM\n\tno-ntlm\n"
      "user=alice#1@AUTHCTX.TEST\n",
      "policy.txt");
  REQUIRE(list.size() == 3);
  CHECK(list[0].text == "mech=krb5");
  CHECK(list[1].check == Check::no_ntlm);
  CHECK(list[2].names.front() == "alice#1@AUTHCTX.TEST");  // '#' inside a word is not a comment
  try {
    parse_expectation_lines("mech=krb5\n\nbogus\n", "policy.txt");
    FAIL("a bad line must throw");
  } catch (const ExpressionError& e) {
    CHECK(contains(e.what(), "policy.txt:3: unknown expectation \"bogus\""));
  }
  CHECK(parse_expectation_lines("", "empty").empty());
  CHECK(parse_expectation_lines("# only comments\r\n   \r\n", "crlf").empty());
}

TEST_CASE("policy: the enctype strength order is stated and holds", "[policy][enctype]") {
  using authctx::policy::enctype_rank;
  using authctx::policy::parse_enctype_spec;
  // none < rc4-exp < des < rc4 < des3 < aes128 < aes256
  CHECK(enctype_rank(0) < enctype_rank(24));
  CHECK(enctype_rank(24) < enctype_rank(3));
  CHECK(enctype_rank(3) < enctype_rank(23));
  CHECK(enctype_rank(23) < enctype_rank(16));
  CHECK(enctype_rank(16) < enctype_rank(17));
  CHECK(enctype_rank(17) < enctype_rank(18));
  CHECK(enctype_rank(17) == enctype_rank(19));  // aes128-sha2 is as strong as aes128-sha1 here
  CHECK(enctype_rank(18) == enctype_rank(20));
  CHECK(enctype_rank(25) == enctype_rank(17));  // camellia128
  CHECK(enctype_rank(26) == enctype_rank(18));
  CHECK(enctype_rank(-128) == enctype_rank(23));  // rc4-hmac-old
  CHECK_FALSE(enctype_rank(99).has_value());
  CHECK(std::string(authctx::policy::strength_order_text()) == "none < rc4-exp < des < rc4 < des3 < aes128 < aes256");
  // Spellings: rank words, RFC names, MIT aliases, numbers; case-insensitive.
  CHECK(parse_enctype_spec("AES256", false)->rank == 6);
  CHECK(parse_enctype_spec("aes", false)->rank == 5);
  CHECK(parse_enctype_spec("rc4", false)->rank == 3);
  CHECK(parse_enctype_spec("aes128-cts-hmac-sha256-128", false)->id == 19);
  CHECK(parse_enctype_spec("aes256-sha2", true)->id == 20);
  CHECK(parse_enctype_spec("rc4-hmac", true)->id == 23);
  CHECK(parse_enctype_spec("arcfour-hmac", true)->id == 23);
  CHECK(parse_enctype_spec("17", false)->rank == 5);
  CHECK(parse_enctype_spec("99", true)->id == 99);           // exact: any number
  CHECK_FALSE(parse_enctype_spec("99", false).has_value());  // a floor needs a known rank
  CHECK_FALSE(parse_enctype_spec("aes", true).has_value());  // a rank word is not one enctype
  CHECK_FALSE(parse_enctype_spec("17x", false).has_value());
  CHECK(authctx::policy::enctype_label(18) == "aes256-cts-hmac-sha1-96");
  CHECK(authctx::policy::enctype_label(99) == "99");
}

TEST_CASE("policy: flag names are the ones the GSS layer prints", "[policy][parse]") {
  for (const auto& f : authctx::gss::context_flags()) {
    INFO(f.name);
    CHECK(parse_expectation("flags>=" + std::string(f.name)).names.front() == f.name);
  }
  CHECK(authctx::policy::context_flag_words().size() == authctx::gss::context_flags().size());
  for (const auto& name : authctx::gss::ticket_flag_names(0xffffffffu)) {
    if (name.rfind("0x", 0) == 0) continue;  // bits without a name
    INFO(name);
    CHECK(parse_expectation("ticket-flags>=" + name).names.front() == name);
  }
}
