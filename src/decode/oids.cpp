#include "decode/oids.hpp"

namespace authctx::decode {

namespace {
struct MechOid {
  Mech mech;
  std::string_view oid;
  std::string_view name;
};
constexpr MechOid kMechs[] = {
    {Mech::krb5, "1.2.840.113554.1.2.2", "krb5"},
    {Mech::krb5_old, "1.3.5.1.5.2", "krb5_old"},
    {Mech::krb5_wrong, "1.2.840.48018.1.2.2", "krb5_wrong"},
    {Mech::iakerb, "1.3.6.1.5.2.5", "iakerb"},
    {Mech::spnego, "1.3.6.1.5.5.2", "spnego"},
    {Mech::ntlmssp, "1.3.6.1.4.1.311.2.2.10", "ntlmssp"},
    {Mech::negoex, "1.3.6.1.4.1.311.2.2.30", "negoex"},
};
}  // namespace

Mech mech_from_oid(std::string_view dotted) {
  for (const auto& m : kMechs) {
    if (m.oid == dotted) return m.mech;
  }
  return Mech::unknown;
}

std::string_view mech_name(Mech mech) {
  for (const auto& m : kMechs) {
    if (m.mech == mech) return m.name;
  }
  return {};
}

bool is_krb5_family(Mech m) { return m == Mech::krb5 || m == Mech::krb5_old || m == Mech::krb5_wrong; }

Value oid_value(std::string_view dotted) {
  Value v = Value::object();
  v.set("oid", dotted);
  const auto name = mech_name(mech_from_oid(dotted));
  if (!name.empty()) v.set("name", name);
  return v;
}

}  // namespace authctx::decode
