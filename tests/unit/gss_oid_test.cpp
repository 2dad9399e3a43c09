#include <catch2/catch.hpp>

#include "gss/flags.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"

using namespace authctx::gss;

TEST_CASE("gss oid: dotted strings round-trip through DER", "[gss][oid]") {
  const auto krb5 = Oid::from_dotted("1.2.840.113554.1.2.2");
  REQUIRE(krb5.has_value());
  CHECK(krb5->der() == std::vector<std::uint8_t>{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02});
  CHECK(krb5->dotted() == "1.2.840.113554.1.2.2");
  CHECK(Oid::from_dotted("1.3.6.1.4.1.311.2.2.10")->dotted() == "1.3.6.1.4.1.311.2.2.10");
  CHECK_FALSE(Oid::from_dotted("1").has_value());
  CHECK_FALSE(Oid::from_dotted("1.2.x").has_value());
  CHECK_FALSE(Oid::from_dotted("3.1").has_value());
  CHECK_FALSE(Oid::from_dotted("1..2").has_value());
}

TEST_CASE("gss oid: mechanism names map to their OIDs and back", "[gss][oid]") {
  CHECK(mech_from_name("krb5")->dotted() == "1.2.840.113554.1.2.2");
  CHECK(mech_from_name("spnego")->dotted() == "1.3.6.1.5.5.2");
  CHECK(mech_from_name("ntlm")->dotted() == "1.3.6.1.4.1.311.2.2.10");
  CHECK(mech_from_name("iakerb")->dotted() == "1.3.6.1.5.2.5");
  CHECK(mech_name(*mech_from_name("1.3.6.1.5.5.2")) == "spnego");
  CHECK(mech_name(*Oid::from_dotted("1.2.3.4")) == "1.2.3.4");
  CHECK_FALSE(mech_from_name("kerberos").has_value());
}

TEST_CASE("gss oid: a copied Oid owns its bytes and its gss_OID view", "[gss][oid]") {
  Oid copy;
  {
    const Oid original = *Oid::from_dotted("1.3.6.1.5.5.2");
    copy = original;
  }
  const gss_OID view = copy.get();
  REQUIRE(view->length == 6);
  CHECK(Oid::from_gss(view).dotted() == "1.3.6.1.5.5.2");
  const Oid moved = std::move(copy);
  CHECK(Oid::from_gss(moved.get()) == moved);
}

TEST_CASE("gss flags: context flags are named GSS_C_<X>_FLAG lower-cased", "[gss][flags]") {
  CHECK(context_flag_names(0x13e) ==
        std::vector<std::string>{"mutual", "replay", "sequence", "conf", "integ", "trans"});
  CHECK(context_flag_names(0x1be) ==
        std::vector<std::string>{"mutual", "replay", "sequence", "conf", "integ", "prot_ready", "trans"});
  CHECK(context_flag_names(GSS_C_DELEG_FLAG | GSS_C_DELEG_POLICY_FLAG) ==
        std::vector<std::string>{"deleg", "deleg_policy"});
  CHECK(context_flag_names(0x00100000) == std::vector<std::string>{"0x00100000"});
  CHECK(context_flag_from_name("dce_style") == std::optional<std::uint32_t>(GSS_C_DCE_STYLE));
  CHECK_FALSE(context_flag_from_name("bogus").has_value());
}

TEST_CASE("gss flags: ticket flags use RFC 4120 names", "[gss][flags]") {
  CHECK(ticket_flag_names(0x40e10000) ==
        std::vector<std::string>{"forwardable", "renewable", "initial", "pre_authent", "enc_pa_rep"});
}

TEST_CASE("gss handles: a moved-from handle is empty and the new owner releases once", "[gss][handles]") {
  Name name = Name::import("host@localhost", GSS_C_NT_HOSTBASED_SERVICE);
  REQUIRE(static_cast<bool>(name));
  const auto shown = name.display();
  CHECK(shown.text == "host@localhost");
  CHECK(shown.type.dotted() == "1.2.840.113554.1.2.1.4");
  Name other = std::move(name);
  CHECK_FALSE(static_cast<bool>(name));
  CHECK(static_cast<bool>(other));
  NameHandle raw(other.get());
  const gss_name_t released = raw.release();
  CHECK(released == other.get());
  CHECK_FALSE(static_cast<bool>(raw));
}
