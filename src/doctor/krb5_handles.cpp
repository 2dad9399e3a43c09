#include "doctor/krb5_handles.hpp"

#include "gss/inquire.hpp"

namespace authctx::doctor {

Krb5Context::Krb5Context() {
  init_error_ = krb5_init_context(&ctx_);
  if (init_error_ != 0) ctx_ = nullptr;
}

Krb5Context::~Krb5Context() {
  if (ctx_ != nullptr) krb5_free_context(ctx_);
}

std::string Krb5Context::message(krb5_error_code code) const {
  if (ctx_ == nullptr) return "krb5 error " + std::to_string(code);
  const char* msg = krb5_get_error_message(ctx_, code);
  std::string out = msg != nullptr ? msg : "unknown error";
  krb5_free_error_message(ctx_, msg);
  return out;
}

Ccache::~Ccache() {
  if (cc_ != nullptr) krb5_cc_close(ctx_, cc_);
}

Keytab::~Keytab() {
  if (kt_ != nullptr) krb5_kt_close(ctx_, kt_);
}

std::string unparse(krb5_context ctx, krb5_const_principal p) {
  char* name = nullptr;
  if (p == nullptr || krb5_unparse_name(ctx, p, &name) != 0) return {};
  std::string out = name;
  krb5_free_unparsed_name(ctx, name);
  return out;
}

nlohmann::ordered_json enctype_json(krb5_enctype e) {
  return {{"id", e}, {"name", gss::enctype_name(e)}};
}

bool weak_enctype(krb5_enctype e) {
  switch (e) {
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

}  // namespace authctx::doctor
