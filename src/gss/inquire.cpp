#include "gss/inquire.hpp"

#include <krb5/krb5.h>

#include <cstring>

#include "krb5/enctypes.hpp"

namespace authctx::gss {
namespace {

const Oid& inq_oid(int which) {
  // 1.2.840.113554.1.2.2.5.N: MIT's GSS_KRB5_* inquiry OIDs (gssapi_krb5.h, krb5 mech).
  static const Oid k_tkt_flags = *Oid::from_dotted("1.2.840.113554.1.2.2.5.1");
  static const Oid k_session_key = *Oid::from_dotted("1.2.840.113554.1.2.2.5.5");
  static const Oid k_authtime = *Oid::from_dotted("1.2.840.113554.1.2.2.5.12");
  static const Oid k_ssf = *Oid::from_dotted("1.2.840.113554.1.2.2.5.15");
  switch (which) {
    case 1: return k_tkt_flags;
    case 5: return k_session_key;
    case 12: return k_authtime;
    default: return k_ssf;
  }
}

// The enctype OIDs MIT returns with the session key: 1.2.840.113554.1.2.2.4.<enctype>.
const Oid& enctype_prefix() {
  static const Oid k_prefix = *Oid::from_dotted("1.2.840.113554.1.2.2.4");
  return k_prefix;
}

bool inquire_by_oid(const ContextHandle& ctx, const Oid& oid, BufferSet& out) {
  OM_uint32 minor = 0;
  const OM_uint32 major = gss_inquire_sec_context_by_oid(&minor, ctx.get(), oid.get(), out.ptr());
  return !GSS_ERROR(major) && out.count() > 0;
}

std::optional<std::uint32_t> host_u32(std::span<const std::uint8_t> b) {
  if (b.size() != 4) return std::nullopt;
  std::uint32_t v = 0;
  std::memcpy(&v, b.data(), 4);  // host byte order, as MIT writes it
  return v;
}

std::optional<SessionKey> session_key(const ContextHandle& ctx) {
  BufferSet set;
  if (!inquire_by_oid(ctx, inq_oid(5), set)) return std::nullopt;
  SessionKey key;
  key.key.assign(set.at(0).begin(), set.at(0).end());
  if (set.count() >= 2) {
    const auto raw = set.at(1);
    const Oid etype_oid(Bytes(raw.begin(), raw.end()));
    if (etype_oid.starts_with(enctype_prefix())) {
      const auto dotted = etype_oid.dotted();
      const auto last = dotted.substr(dotted.rfind('.') + 1);
      key.enctype = std::stoi(last);
    }
  }
  return key;
}

std::optional<DisplayedName> displayed(gss_name_t raw) {
  if (raw == GSS_C_NO_NAME) return std::nullopt;
  Name name(raw);
  try {
    return name.display();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}
}  // namespace

std::string enctype_name(std::int32_t enctype) { return krb5::enctype_name(enctype); }

std::vector<NameAttribute> name_attributes(const Name& name) {
  std::vector<NameAttribute> out;
  OM_uint32 minor = 0;
  int is_mn = 0;
  gss_OID name_mech = GSS_C_NO_OID;
  gss_buffer_set_t attrs = GSS_C_NO_BUFFER_SET;
  const OM_uint32 major = gss_inquire_name(&minor, name.get(), &is_mn, &name_mech, &attrs);
  if (GSS_ERROR(major) || attrs == GSS_C_NO_BUFFER_SET) return out;
  for (std::size_t i = 0; i < attrs->count; ++i) {
    NameAttribute attr;
    attr.name.assign(static_cast<const char*>(attrs->elements[i].value), attrs->elements[i].length);
    // RFC 6680 §7.5: call repeatedly with `more` starting at -1 until it is 0. Bounded.
    int more = -1;
    for (int n = 0; n < 64 && more != 0; ++n) {
      int authenticated = 0;
      int complete = 0;
      Buffer value;
      Buffer display;
      const OM_uint32 m = gss_get_name_attribute(&minor, name.get(), &attrs->elements[i], &authenticated, &complete,
                                                 value.ptr(), display.ptr(), &more);
      if (GSS_ERROR(m)) break;
      attr.authenticated = authenticated != 0;
      attr.complete = complete != 0;
      attr.values.push_back(value.to_bytes());
      if (!display.empty()) attr.display_values.push_back(display.str());
    }
    out.push_back(std::move(attr));
  }
  gss_release_buffer_set(&minor, &attrs);
  return out;
}

ContextInfo inquire_context(const ContextHandle& ctx, const Name* peer_name) {
  ContextInfo info;
  OM_uint32 minor = 0;
  gss_name_t src = GSS_C_NO_NAME;
  OM_uint32 lifetime = 0;
  gss_OID mech = GSS_C_NO_OID;
  OM_uint32 flags = 0;
  int local = 0;
  int open = 0;
  // First without the target name (see header: gss-ntlmssp acceptor crash).
  OM_uint32 major = gss_inquire_context(&minor, ctx.get(), &src, nullptr, &lifetime, &mech, &flags, &local, &open);
  if (GSS_ERROR(major)) {
    // A half-open context may refuse names; try the plain fields alone.
    major = gss_inquire_context(&minor, ctx.get(), nullptr, nullptr, &lifetime, &mech, &flags, &local, &open);
    if (GSS_ERROR(major)) return info;
  }
  info.source_name = displayed(src);
  info.mech = Oid::from_gss(mech);
  info.flags = flags;
  info.lifetime_seconds = lifetime;
  info.locally_initiated = local != 0;
  info.open = open != 0;
  const bool ntlm_acceptor = info.mech == ntlm_oid() && !info.locally_initiated;
  if (!ntlm_acceptor) {
    gss_name_t targ = GSS_C_NO_NAME;
    if (!GSS_ERROR(gss_inquire_context(&minor, ctx.get(), nullptr, &targ, nullptr, nullptr, nullptr, nullptr, nullptr)))
      info.target_name = displayed(targ);
  }
  OM_uint32 time_rec = 0;
  if (!GSS_ERROR(gss_context_time(&minor, ctx.get(), &time_rec))) info.context_time = time_rec;
  if (!info.open) return info;

  info.session_key = session_key(ctx);
  if (BufferSet set; inquire_by_oid(ctx, inq_oid(1), set)) info.ticket_flags = host_u32(set.at(0));
  if (BufferSet set; inquire_by_oid(ctx, inq_oid(12), set)) {
    if (const auto v = host_u32(set.at(0))) info.authtime = *v;
  }
  // gssapi_ext.h: the SSF is an unsigned 32-bit integer in network byte order.
  if (BufferSet set; inquire_by_oid(ctx, inq_oid(15), set) && set.at(0).size() == 4) {
    const auto b = set.at(0);
    info.sasl_ssf = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }
  if (peer_name != nullptr && *peer_name) info.name_attributes = name_attributes(*peer_name);
  return info;
}

}  // namespace authctx::gss
