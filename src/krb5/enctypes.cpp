#include "krb5/enctypes.hpp"

#include <krb5/krb5.h>

namespace authctx::krb5 {

bool weak_enctype(std::int32_t enctype) {
  switch (enctype) {
    case ENCTYPE_DES_CBC_CRC:
    case ENCTYPE_DES_CBC_MD4:
    case ENCTYPE_DES_CBC_MD5:
    case ENCTYPE_DES_CBC_RAW:
    case ENCTYPE_DES3_CBC_SHA:
    case ENCTYPE_DES3_CBC_RAW:
    case ENCTYPE_DES3_CBC_SHA1:
    case ENCTYPE_DES_HMAC_SHA1:
    case ENCTYPE_ARCFOUR_HMAC:
    case ENCTYPE_ARCFOUR_HMAC_EXP:
      return true;
    default:
      return false;
  }
}

std::string enctype_name(std::int32_t enctype) {
  char buf[128] = {};
  if (krb5_enctype_to_name(enctype, FALSE, buf, sizeof buf) != 0) return "enctype-" + std::to_string(enctype);
  return buf;
}

}  // namespace authctx::krb5
