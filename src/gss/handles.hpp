// Move-only RAII handles for GSS names, credentials and security contexts. Each owns one
// GSS object, releases it in a destructor that cannot throw, and can release() it.
// Name::import and display, credential acquisition (from a credential store, RFC 2744 and
// MIT's gss_acquire_cred_from extension, or with a password) live here too; failures
// throw GssError with the stage named.
#pragma once
#include <map>
#include <optional>
#include <span>
#include <string>

#include "gss/gss.hpp"
#include "gss/oid.hpp"

namespace authctx::gss {

template <typename T, OM_uint32 (*Release)(OM_uint32*, T*), T Null>
class Handle {
 public:
  Handle() = default;
  explicit Handle(T h) : h_(h) {}
  Handle(Handle&& o) noexcept : h_(o.release()) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = o.release();
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  T get() const { return h_; }
  T* ptr() {
    reset();
    return &h_;
  }
  // For calls that update a handle in place (gss_init_sec_context): no reset.
  T* ptr_keep() { return &h_; }
  explicit operator bool() const { return h_ != Null; }
  T release() noexcept {
    T h = h_;
    h_ = Null;
    return h;
  }
  void reset() noexcept {
    if (h_ != Null) {
      OM_uint32 minor = 0;
      Release(&minor, &h_);
      h_ = Null;
    }
  }

 private:
  T h_ = Null;
};

OM_uint32 delete_context(OM_uint32* minor, gss_ctx_id_t* ctx);

using NameHandle = Handle<gss_name_t, gss_release_name, GSS_C_NO_NAME>;
using CredHandle = Handle<gss_cred_id_t, gss_release_cred, GSS_C_NO_CREDENTIAL>;
using ContextHandle = Handle<gss_ctx_id_t, delete_context, GSS_C_NO_CONTEXT>;

struct DisplayedName {
  std::string text;  // "alice@AUTHCTX.TEST"
  Oid type;          // its name type OID
};

// How a target name is written: "service@host" (host-based), a Kerberos principal name, or
// a user name (RFC 2743 §4.1, §4.2; RFC 1964 §2.1.1).
enum class TargetType { hostbased, principal, user };
gss_const_OID name_type(TargetType type);

class Name {
 public:
  Name() = default;
  explicit Name(gss_name_t n) : h_(n) {}
  static Name import(const std::string& text, gss_const_OID type);
  DisplayedName display() const;
  gss_name_t get() const { return h_.get(); }
  gss_name_t* ptr() { return h_.ptr(); }
  explicit operator bool() const { return static_cast<bool>(h_); }

 private:
  NameHandle h_;
};

enum class CredUsage { initiate, accept, both };

class Cred {
 public:
  Cred() = default;
  // MIT gss_acquire_cred_from with store keys such as "ccache", "client_keytab", "keytab",
  // "rcache"; desired may be null for the default name.
  static Cred acquire_from(const Name* desired, CredUsage usage, std::span<const Oid> mechs,
                           const std::map<std::string, std::string>& store);
  static Cred acquire_with_password(const Name& desired, const std::string& password, CredUsage usage,
                                    std::span<const Oid> mechs);
  // Restricts the mechanisms SPNEGO negotiates with this credential (RFC 4178 §5's
  // GSS_Set_neg_mechs).
  void set_neg_mechs(std::span<const Oid> mechs);
  // MIT's GSS_KRB5_CRED_NO_CI_FLAGS_X (gss_set_cred_option): initial context tokens made with
  // this credential assert integ and conf only when requested. Without it MIT asserts both
  // in every AP-REQ checksum (RFC 4121 §4.1.1.1), and a GSS-SPNEGO LDAP server (Active
  // Directory, Samba) then signs or seals whatever the client asked for.
  void suppress_ci_flags();
  gss_cred_id_t get() const { return h_.get(); }
  gss_cred_id_t* ptr() { return h_.ptr(); }
  explicit operator bool() const { return static_cast<bool>(h_); }

 private:
  CredHandle h_;
};

}  // namespace authctx::gss

namespace authctx::gss {

struct CredInfo {
  std::optional<DisplayedName> name;
  std::uint32_t lifetime_seconds = 0;  // GSS_C_INDEFINITE for no expiry
};

// gss_inquire_cred on any credential handle (e.g. one delegated to an acceptor).
CredInfo inquire_cred(gss_cred_id_t cred);

// Stores a credential into a ccache (MIT gss_store_cred_into with {"ccache": name}),
// overwriting what is there and making it the cache's default principal.
void store_cred_into(gss_cred_id_t cred, const std::string& ccache);

// The keytab the krb5 mechanisms' acceptors use when no credential store names one (MIT
// gsskrb5_register_acceptor_identity: for the whole process, as KRB5_KTNAME is). A keytab
// given this way reaches only the mechanisms that read keytabs; handed to every mechanism
// in a credential store it reaches gss-ntlmssp too, whose acceptor then fails (1.2.0 also
// crashes on the way, under SPNEGO).
void register_acceptor_keytab(const std::string& keytab);

// The credential cache the krb5 mechanism uses for default credentials acquired on this
// thread (MIT gss_krb5_ccache_name: per thread).
void use_thread_ccache(const std::string& name);

}  // namespace authctx::gss
