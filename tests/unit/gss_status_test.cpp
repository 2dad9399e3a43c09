#include <catch2/catch.hpp>

#include <krb5/krb5.h>

#include "gss/handles.hpp"
#include "gss/status.hpp"

using authctx::gss::GssError;
using authctx::gss::split_major;

TEST_CASE("gss status: a major code splits into routine, calling and supplementary names", "[gss][status]") {
  SECTION("plain failure") {
    const auto p = split_major(GSS_S_FAILURE);
    CHECK(p.routine == "GSS_S_FAILURE");
    CHECK_FALSE(p.calling.has_value());
    CHECK(p.supplementary.empty());
  }
  SECTION("routine, calling and supplementary bits together") {
    const auto p = split_major(GSS_S_BAD_SIG | GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN);
    CHECK(p.routine == "GSS_S_BAD_SIG");
    REQUIRE(p.calling.has_value());
    CHECK(*p.calling == "GSS_S_CALL_INACCESSIBLE_READ");
    CHECK(p.supplementary == std::vector<std::string>{"GSS_S_DUPLICATE_TOKEN", "GSS_S_OLD_TOKEN"});
  }
  SECTION("continue needed alone has no routine error") {
    const auto p = split_major(GSS_S_CONTINUE_NEEDED);
    CHECK(p.routine.empty());
    CHECK(p.supplementary == std::vector<std::string>{"GSS_S_CONTINUE_NEEDED"});
  }
  SECTION("every routine error of RFC 2744 has its name") {
    CHECK(split_major(GSS_S_BAD_MECH).routine == "GSS_S_BAD_MECH");
    CHECK(split_major(GSS_S_NO_CRED).routine == "GSS_S_NO_CRED");
    CHECK(split_major(GSS_S_DEFECTIVE_TOKEN).routine == "GSS_S_DEFECTIVE_TOKEN");
    CHECK(split_major(GSS_S_BAD_BINDINGS).routine == "GSS_S_BAD_BINDINGS");
    CHECK(split_major(GSS_S_NAME_NOT_MN).routine == "GSS_S_NAME_NOT_MN");
  }
}

TEST_CASE("gss status: GssError captures the library's display strings for both codes", "[gss][status]") {
  // A real failure that needs no KDC: a credential cache that does not exist.
  const authctx::gss::Oid mechs[] = {authctx::gss::krb5_oid()};
  try {
    (void)authctx::gss::Cred::acquire_from(nullptr, authctx::gss::CredUsage::initiate, mechs,
                                           {{"ccache", "FILE:/nonexistent/authctx-test-cc"}});
    FAIL("acquiring from a missing ccache succeeded");
  } catch (const GssError& e) {
    CHECK(e.stage() == "acquire_cred");
    CHECK(e.major_parts().routine == "GSS_S_NO_CRED");
    REQUIRE_FALSE(e.major_text().empty());
    CHECK(e.major_text().front().find("No credentials were supplied") != std::string::npos);
    CHECK(e.minor() != 0);
    INFO("minor text: " << e.minor_text());
    CHECK(e.minor_text() == "No credentials cache found");
    REQUIRE(e.mech().has_value());
    CHECK(e.mech()->dotted() == "1.2.840.113554.1.2.2");
  }
}
