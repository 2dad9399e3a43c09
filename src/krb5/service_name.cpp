#include "krb5/service_name.hpp"

#include <profile.h>

#include "krb5/handles.hpp"
#include "krb5/scoped.hpp"

namespace authctx::krb5 {
namespace {

std::string libdefault(krb5_context ctx, const char* name, const char* fallback) {
  profile_t profile = nullptr;
  if (krb5_get_profile(ctx, &profile) != 0) return fallback;
  char* value = nullptr;
  std::string out = fallback;
  if (profile_get_string(profile, "libdefaults", name, nullptr, fallback, &value) == 0 && value != nullptr) out = value;
  profile_release_string(value);
  profile_release(profile);
  return out;
}

// MIT's boolean spellings (profile_parse_boolean): y, yes, true, t, 1, on.
bool truthy(std::string v) {
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "y" || v == "yes" || v == "true" || v == "t" || v == "1" || v == "on";
}
}  // namespace

ServiceName service_principal(const std::string& service, const std::string& host) {
  ServiceName s;
  s.service = service;
  s.host = host;
  const Context ctx;
  if (ctx.init_error() != 0) {
    s.error = "no Kerberos configuration: " + ctx.message(ctx.init_error());
    return s;
  }
  const auto canon = libdefault(ctx.get(), "dns_canonicalize_hostname", "fallback");
  s.dns_canonicalize_hostname = canon == "fallback" ? canon : truthy(canon) ? "true" : "false";
  s.rdns = truthy(libdefault(ctx.get(), "rdns", "true"));
  krb5_principal raw = nullptr;
  if (const auto rc = krb5_sname_to_principal(ctx.get(), host.c_str(), service.c_str(), KRB5_NT_SRV_HST, &raw);
      rc != 0) {
    s.error = ctx.message(rc);
    return s;
  }
  const PrincipalPtr p(raw, {ctx.get()});
  s.principal = unparse(ctx.get(), p.get());
  if (krb5_princ_size(ctx.get(), p.get()) >= 2) {
    const krb5_data* h = krb5_princ_component(ctx.get(), p.get(), 1);
    s.principal_host.assign(h->data, h->length);
  }
  s.realm.assign(p->realm.data, p->realm.length);
  return s;
}

}  // namespace authctx::krb5
