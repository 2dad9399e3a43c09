#include "gss/mechs.hpp"

#include "gss/buffer.hpp"
#include "gss/handles.hpp"
#include "gss/status.hpp"

namespace authctx::gss {

std::vector<MechDescription> available_mechs() {
  OidSet set;
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_indicate_mechs(&minor, set.ptr());
  if (GSS_ERROR(major)) throw GssError("indicate_mechs", major, minor);
  std::vector<MechDescription> out;
  for (const auto& oid : set.to_vector()) {
    MechDescription d;
    d.oid = oid;
    d.name = mech_name(oid);
    Buffer sasl;
    Buffer name;
    Buffer description;
    if (!GSS_ERROR(gss_inquire_saslname_for_mech(&minor, oid.get(), sasl.ptr(), name.ptr(), description.ptr()))) {
      if (!sasl.empty()) d.sasl_name = sasl.str();
      if (!name.empty()) d.mech_name = name.str();
      if (!description.empty()) d.description = description.str();
    }
    try {
      const Oid mechs[] = {oid};
      (void)Cred::acquire_from(nullptr, CredUsage::initiate, mechs, {});
      d.initiator_credentials = true;
    } catch (const GssError& e) {
      d.credentials_error = e.text();
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace authctx::gss
