#include "gss/oid.hpp"

#include <array>
#include <charconv>

#include "gss/status.hpp"

namespace authctx::gss {
namespace {
constexpr std::array<MechEntry, 7> k_mechs{{
    {"krb5", "1.2.840.113554.1.2.2"},
    {"spnego", "1.3.6.1.5.5.2"},
    {"ntlm", "1.3.6.1.4.1.311.2.2.10"},
    {"iakerb", "1.3.6.1.5.2.5"},
    {"krb5_old", "1.3.5.1.5.2"},
    {"krb5_wrong", "1.2.840.48018.1.2.2"},
    {"negoex", "1.3.6.1.4.1.311.2.2.30"},
}};

Oid parse_constant(std::string_view dotted) { return *Oid::from_dotted(dotted); }
}  // namespace

Oid Oid::from_gss(gss_const_OID oid) {
  if (oid == GSS_C_NO_OID || oid->elements == nullptr) return {};
  const auto* p = static_cast<const std::uint8_t*>(oid->elements);
  return Oid(std::vector<std::uint8_t>(p, p + oid->length));
}

std::optional<Oid> Oid::from_dotted(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  std::size_t pos = 0;
  while (pos <= dotted.size()) {
    const auto dot = dotted.find('.', pos);
    const auto part = dotted.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    arcs.push_back(v);
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) return std::nullopt;
  std::vector<std::uint8_t> der;
  auto put = [&der](std::uint64_t v) {
    std::uint8_t tmp[10];
    int n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 0) {
      --n;
      der.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
    }
  };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  return Oid(std::move(der));
}

std::string Oid::dotted() const {
  std::string out;
  std::uint64_t v = 0;
  bool first = true;
  for (const auto b : der_) {
    if (v > (UINT64_MAX >> 7)) return "<invalid-oid>";
    v = (v << 7) | (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      const std::uint64_t top = v < 40 ? 0 : (v < 80 ? 1 : 2);
      out += std::to_string(top) + "." + std::to_string(v - top * 40);
      first = false;
    } else {
      out += "." + std::to_string(v);
    }
    v = 0;
  }
  return out;
}

gss_OID Oid::get() const { return const_cast<gss_OID>(&desc_); }

bool Oid::starts_with(const Oid& prefix) const {
  return der_.size() > prefix.der_.size() && std::equal(prefix.der_.begin(), prefix.der_.end(), der_.begin());
}

std::span<const MechEntry> known_mechs() { return k_mechs; }
const Oid& krb5_oid() {
  static const Oid k_oid = parse_constant("1.2.840.113554.1.2.2");
  return k_oid;
}
const Oid& spnego_oid() {
  static const Oid k_oid = parse_constant("1.3.6.1.5.5.2");
  return k_oid;
}
const Oid& ntlm_oid() {
  static const Oid k_oid = parse_constant("1.3.6.1.4.1.311.2.2.10");
  return k_oid;
}
const Oid& iakerb_oid() {
  static const Oid k_oid = parse_constant("1.3.6.1.5.2.5");
  return k_oid;
}

std::string mech_name(const Oid& oid) {
  auto dotted = oid.dotted();
  for (const auto& m : k_mechs)
    if (m.dotted == dotted) return std::string(m.name);
  return dotted;
}

std::optional<Oid> mech_from_name(std::string_view name) {
  for (const auto& m : k_mechs)
    if (m.name == name) return Oid::from_dotted(m.dotted);
  if (name == "ntlmssp") return Oid::from_dotted("1.3.6.1.4.1.311.2.2.10");
  return Oid::from_dotted(name);
}

OidSet& OidSet::operator=(OidSet&& o) noexcept {
  if (this != &o) {
    OidSet old(release());
    set_ = o.release();
  }
  return *this;
}

OidSet::~OidSet() {
  if (set_ != GSS_C_NO_OID_SET) {
    OM_uint32 minor = 0;
    gss_release_oid_set(&minor, &set_);
  }
}

OidSet OidSet::make(std::span<const Oid> oids) {
  OidSet set;
  OM_uint32 minor = 0;
  OM_uint32 major = gss_create_empty_oid_set(&minor, set.ptr());
  if (GSS_ERROR(major)) throw GssError("create_empty_oid_set", major, minor);
  for (const auto& oid : oids) {
    major = gss_add_oid_set_member(&minor, oid.get(), set.ptr());
    if (GSS_ERROR(major)) throw GssError("add_oid_set_member", major, minor);
  }
  return set;
}

std::vector<Oid> OidSet::to_vector() const {
  std::vector<Oid> out;
  if (set_ == GSS_C_NO_OID_SET) return out;
  for (std::size_t i = 0; i < set_->count; ++i) out.push_back(Oid::from_gss(&set_->elements[i]));
  return out;
}

}  // namespace authctx::gss
