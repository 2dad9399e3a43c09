// The mechanisms the GSS-API library offers (gss_indicate_mechs), with what the library
// says about each (RFC 5801 SASL name and description) and whether default initiator
// credentials for it can be acquired right now.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gss/oid.hpp"

namespace authctx::gss {

struct MechDescription {
  Oid oid;
  std::string name;  // authctx's name, or the dotted OID
  std::optional<std::string> sasl_name;
  std::optional<std::string> mech_name;  // the library's own short name
  std::optional<std::string> description;
  bool initiator_credentials = false;
  std::string credentials_error;  // why not, when false
};

std::vector<MechDescription> available_mechs();

}  // namespace authctx::gss
