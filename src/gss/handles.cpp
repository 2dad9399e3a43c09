#include "gss/handles.hpp"

#include <vector>

#include "gss/buffer.hpp"
#include "gss/status.hpp"

namespace authctx::gss {

gss_const_OID name_type(TargetType type) {
  switch (type) {
    case TargetType::hostbased: return GSS_C_NT_HOSTBASED_SERVICE;
    case TargetType::principal: return GSS_KRB5_NT_PRINCIPAL_NAME;
    case TargetType::user: return GSS_C_NT_USER_NAME;
  }
  return GSS_C_NT_HOSTBASED_SERVICE;
}

namespace {
gss_cred_usage_t to_gss(CredUsage usage) {
  switch (usage) {
    case CredUsage::initiate: return GSS_C_INITIATE;
    case CredUsage::accept: return GSS_C_ACCEPT;
    case CredUsage::both: return GSS_C_BOTH;
  }
  return GSS_C_BOTH;
}

const Oid* single_mech(std::span<const Oid> mechs) { return mechs.size() == 1 ? &mechs[0] : nullptr; }
}  // namespace

OM_uint32 delete_context(OM_uint32* minor, gss_ctx_id_t* ctx) {
  return gss_delete_sec_context(minor, ctx, GSS_C_NO_BUFFER);
}

Name Name::import(const std::string& text, gss_const_OID type) {
  Name name;
  OM_uint32 minor = 0;
  auto buf = input_buffer(text);
  const OM_uint32 major = gss_import_name(&minor, &buf, const_cast<gss_OID>(type), name.ptr());
  if (GSS_ERROR(major)) throw GssError("import_name", major, minor);
  return name;
}

DisplayedName Name::display() const {
  DisplayedName out;
  if (!h_) return out;
  OM_uint32 minor = 0;
  Buffer text;
  gss_OID type = GSS_C_NO_OID;
  const OM_uint32 major = gss_display_name(&minor, h_.get(), text.ptr(), &type);
  if (GSS_ERROR(major)) throw GssError("display_name", major, minor);
  out.text = text.str();
  // gss-ntlmssp counts the terminating NUL in the name's length.
  while (!out.text.empty() && out.text.back() == '\0') out.text.pop_back();
  out.type = Oid::from_gss(type);
  return out;
}

Cred Cred::acquire_from(const Name* desired, CredUsage usage, std::span<const Oid> mechs,
                        const std::map<std::string, std::string>& store) {
  std::vector<gss_key_value_element_desc> elements;
  elements.reserve(store.size());
  for (const auto& [k, v] : store) elements.push_back({k.c_str(), v.c_str()});
  gss_key_value_set_desc set{static_cast<OM_uint32>(elements.size()), elements.data()};
  OidSet mech_set = mechs.empty() ? OidSet() : OidSet::make(mechs);
  Cred cred;
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_acquire_cred_from(
      &minor, desired != nullptr ? desired->get() : GSS_C_NO_NAME, GSS_C_INDEFINITE, mech_set.get(), to_gss(usage),
      elements.empty() ? GSS_C_NO_CRED_STORE : &set, cred.ptr(), nullptr, nullptr);
  if (GSS_ERROR(major)) throw GssError("acquire_cred", major, minor, single_mech(mechs));
  return cred;
}

Cred Cred::acquire_with_password(const Name& desired, const std::string& password, CredUsage usage,
                                 std::span<const Oid> mechs) {
  OidSet mech_set = mechs.empty() ? OidSet() : OidSet::make(mechs);
  Cred cred;
  OM_uint32 minor = 0;
  auto pw = input_buffer(password);
  const OM_uint32 major = gss_acquire_cred_with_password(&minor, desired.get(), &pw, GSS_C_INDEFINITE, mech_set.get(),
                                                         to_gss(usage), cred.ptr(), nullptr, nullptr);
  if (GSS_ERROR(major)) throw GssError("acquire_cred_with_password", major, minor, single_mech(mechs));
  return cred;
}

void Cred::set_neg_mechs(std::span<const Oid> mechs) {
  OidSet mech_set = OidSet::make(mechs);
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_set_neg_mechs(&minor, h_.get(), mech_set.get());
  if (GSS_ERROR(major)) throw GssError("set_neg_mechs", major, minor);
}

void Cred::suppress_ci_flags() {
  OM_uint32 minor = 0;
  gss_buffer_desc empty{0, nullptr};
  const OM_uint32 major = gss_set_cred_option(&minor, h_.ptr_keep(), GSS_KRB5_CRED_NO_CI_FLAGS_X, &empty);
  if (GSS_ERROR(major)) throw GssError("set_cred_option", major, minor);
}

}  // namespace authctx::gss

namespace authctx::gss {

CredInfo inquire_cred(gss_cred_id_t cred) {
  CredInfo info;
  OM_uint32 minor = 0;
  gss_name_t name = GSS_C_NO_NAME;
  OM_uint32 lifetime = 0;
  const OM_uint32 major = gss_inquire_cred(&minor, cred, &name, &lifetime, nullptr, nullptr);
  if (GSS_ERROR(major)) throw GssError("inquire_cred", major, minor);
  if (name != GSS_C_NO_NAME) info.name = Name(name).display();
  info.lifetime_seconds = lifetime;
  return info;
}

void store_cred_into(gss_cred_id_t cred, const std::string& ccache) {
  gss_key_value_element_desc element{"ccache", ccache.c_str()};
  gss_key_value_set_desc store{1, &element};
  OM_uint32 minor = 0;
  const OM_uint32 major =
      gss_store_cred_into(&minor, cred, GSS_C_INITIATE, GSS_C_NO_OID, 1, 1, &store, nullptr, nullptr);
  if (GSS_ERROR(major)) throw GssError("store_cred_into", major, minor);
}

void register_acceptor_keytab(const std::string& keytab) {
  const OM_uint32 major = gsskrb5_register_acceptor_identity(keytab.c_str());
  if (GSS_ERROR(major)) throw GssError("register_acceptor_identity", major, 0);
}

void use_thread_ccache(const std::string& name) {
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_krb5_ccache_name(&minor, name.c_str(), nullptr);
  if (GSS_ERROR(major)) throw GssError("krb5_ccache_name", major, minor);
}

}  // namespace authctx::gss
