// GSS object identifiers as values: DER contents bytes with a gss_OID view, dotted-string
// conversion (X.690 §8.19), the table of mechanisms authctx knows by name, and an RAII
// gss_OID_set. Oid owns its bytes, so it is safe to keep after the GSS object is released.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gss/gss.hpp"

namespace authctx::gss {

class Oid {
 public:
  Oid() { repoint(); }
  explicit Oid(std::vector<std::uint8_t> der) : der_(std::move(der)) { repoint(); }
  Oid(const Oid& o) : der_(o.der_) { repoint(); }
  Oid(Oid&& o) noexcept : der_(std::move(o.der_)) {
    repoint();
    o.repoint();
  }
  Oid& operator=(const Oid& o) {
    der_ = o.der_;
    repoint();
    return *this;
  }
  Oid& operator=(Oid&& o) noexcept {
    der_ = std::move(o.der_);
    repoint();
    o.repoint();
    return *this;
  }
  ~Oid() = default;
  static Oid from_gss(gss_const_OID oid);
  static std::optional<Oid> from_dotted(std::string_view dotted);

  std::string dotted() const;
  bool empty() const { return der_.empty(); }
  const std::vector<std::uint8_t>& der() const { return der_; }
  // A view valid while this Oid lives and is not modified.
  gss_OID get() const;
  bool operator==(const Oid& other) const { return der_ == other.der_; }
  // True if this OID has `prefix` as a proper arc prefix (e.g. the enctype OIDs under 1.2.840.113554.1.2.2.4).
  bool starts_with(const Oid& prefix) const;

 private:
  void repoint() {
    desc_.length = static_cast<OM_uint32>(der_.size());
    desc_.elements = der_.data();
  }
  std::vector<std::uint8_t> der_;
  gss_OID_desc desc_{};
};

// Mechanisms by their authctx name.
struct MechEntry {
  std::string_view name;    // "krb5", "spnego", "ntlm", "iakerb", ...
  std::string_view dotted;  // "1.2.840.113554.1.2.2"
};
std::span<const MechEntry> known_mechs();
const Oid& krb5_oid();
const Oid& spnego_oid();
const Oid& ntlm_oid();
const Oid& iakerb_oid();
// "krb5" for 1.2.840.113554.1.2.2, the dotted form for unknown OIDs.
std::string mech_name(const Oid& oid);
// A mech from a name in known_mechs() or a dotted OID; nullopt if neither.
std::optional<Oid> mech_from_name(std::string_view name);

// The mechanism an initial context token names (RFC 2743 §3.1: 0x60, a DER length, then the
// mech OID as a DER OBJECT IDENTIFIER); nullopt when the bytes do not start that way.
std::optional<Oid> initial_token_mech(std::span<const std::uint8_t> token);

// RAII gss_OID_set (released with gss_release_oid_set).
class OidSet {
 public:
  OidSet() = default;
  explicit OidSet(gss_OID_set set) : set_(set) {}
  static OidSet make(std::span<const Oid> oids);  // throws GssError on failure
  OidSet(OidSet&& o) noexcept : set_(o.release()) {}
  OidSet& operator=(OidSet&& o) noexcept;
  OidSet(const OidSet&) = delete;
  OidSet& operator=(const OidSet&) = delete;
  ~OidSet();

  gss_OID_set get() const { return set_; }
  gss_OID_set* ptr() { return &set_; }
  gss_OID_set release() noexcept {
    auto s = set_;
    set_ = GSS_C_NO_OID_SET;
    return s;
  }
  std::vector<Oid> to_vector() const;

 private:
  gss_OID_set set_ = GSS_C_NO_OID_SET;
};

}  // namespace authctx::gss
