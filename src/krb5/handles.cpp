#include "krb5/handles.hpp"

#include <profile.h>

namespace authctx::krb5 {

Context::Context() {
  init_error_ = krb5_init_context(&ctx_);
  if (init_error_ != 0) ctx_ = nullptr;
}

Context::Context(const std::filesystem::path& krb5_conf) {
  const std::string files = krb5_conf.string();
  profile_t profile = nullptr;
  if (const long rc = profile_init_path(files.c_str(), &profile); rc != 0 || profile == nullptr)
    throw KrbError(static_cast<krb5_error_code>(rc), "cannot read " + files + " (profile error " + std::to_string(rc) + ")");
  // krb5_init_context_profile copies what it needs; KRB5_INIT_CONTEXT_SECURE keeps the library
  // from consulting environment variables (KRB5_CONFIG, KRB5CCNAME, ...).
  init_error_ = krb5_init_context_profile(profile, KRB5_INIT_CONTEXT_SECURE, &ctx_);
  profile_release(profile);
  if (init_error_ != 0) {
    ctx_ = nullptr;
    throw KrbError(init_error_, "cannot create a krb5 context for " + files);
  }
}

Context::~Context() {
  if (ctx_ != nullptr) krb5_free_context(ctx_);
}

std::string Context::message(krb5_error_code code) const {
  if (ctx_ == nullptr) return "krb5 error " + std::to_string(code);
  const char* msg = krb5_get_error_message(ctx_, code);
  std::string out = msg != nullptr ? msg : "unknown error";
  krb5_free_error_message(ctx_, msg);
  return out;
}

void Context::check(krb5_error_code code, const std::string& what) const {
  if (code != 0) throw KrbError(code, what + ": " + message(code));
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

}  // namespace authctx::krb5
