// Check: the GSS-API mechanisms the library offers (gss_indicate_mechs through
// gss::available_mechs). krb5 and SPNEGO are required (fail when missing); NTLM is a
// separate plug-in (gss-ntlmssp, registered in /etc/gss/mech.d), so its absence is a
// warning naming the package.
#include <algorithm>

#include "doctor/checks.hpp"
#include "gss/mechs.hpp"
#include "gss/status.hpp"

namespace authctx::doctor {

Check check_mechanisms() {
  auto c = make_check("mechanisms", Status::ok, "");
  std::vector<gss::MechDescription> mechs;
  try {
    mechs = gss::available_mechs();
  } catch (const gss::GssError& e) {
    c.detail = "the GSS-API library lists no mechanisms: " + e.minor_text();
    set_problem(c, Status::fail, hint_for("mech_unavailable"));
    return c;
  }
  auto list = nlohmann::ordered_json::array();
  std::string names;
  for (const auto& m : mechs) {
    list.push_back({{"name", m.name}, {"oid", m.oid.dotted()}, {"initiator_credentials", m.initiator_credentials}});
    names += (names.empty() ? "" : ", ") + m.name;
  }
  const auto has = [&](std::string_view n) {
    return std::any_of(mechs.begin(), mechs.end(), [&](const gss::MechDescription& m) { return m.name == n; });
  };
  c.data = {{"mechs", list}, {"krb5", has("krb5")}, {"spnego", has("spnego")}, {"ntlm", has("ntlm")}};
  c.detail = "the GSS-API library offers " + names;
  std::vector<std::string> missing;
  for (const char* required : {"krb5", "spnego"})
    if (!has(required)) missing.emplace_back(required);
  if (!missing.empty()) {
    c.detail += "; missing: " + missing.front() + (missing.size() > 1 ? ", " + missing.back() : "");
    set_problem(c, Status::fail, hint_for("mech_unavailable"));
  } else if (!has("ntlm")) {
    c.detail += "; NTLM is missing (package gss-ntlmssp)";
    set_problem(c, Status::warn, hint_for("mech_unavailable"));
  }
  return c;
}

}  // namespace authctx::doctor
