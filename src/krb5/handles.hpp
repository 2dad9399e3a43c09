// RAII over the MIT krb5 C API, shared by every module that calls krb5 directly (the lab,
// the doctor, decryption): one owning context (from the environment, or from one profile
// file alone), scoped frees for the objects the library hands out, open ccaches and
// keytabs closed on scope exit, and the library's own texts for error codes and principals.
// Destructors never throw; construction reports failure through init_error() (environment
// context) or by throwing KrbError (profile context, fail()), and callers choose which.
#pragma once
#include <krb5/krb5.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace authctx::krb5 {

// A krb5 call that failed: the code and the library's message for it.
class KrbError : public std::runtime_error {
 public:
  KrbError(krb5_error_code code, const std::string& what) : std::runtime_error(what), code_(code) {}
  krb5_error_code code() const { return code_; }

 private:
  krb5_error_code code_;
};

// An owning krb5_context.
class Context {
 public:
  // From the process environment (KRB5_CONFIG and the rest); init_error() is non-zero when
  // it could not be made.
  Context();
  // From one krb5.conf alone, ignoring the environment (KRB5_INIT_CONTEXT_SECURE), so one
  // process can hold contexts for several realms. Throws KrbError when it cannot be made.
  explicit Context(const std::filesystem::path& krb5_conf);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  krb5_context get() const { return ctx_; }
  krb5_error_code init_error() const { return init_error_; }
  // The library's message for code (with the extended text it kept for this context).
  std::string message(krb5_error_code code) const;
  // Throws KrbError "what: <library message>" when code is non-zero.
  void check(krb5_error_code code, const std::string& what) const;

 private:
  krb5_context ctx_ = nullptr;
  krb5_error_code init_error_ = 0;
};

// Frees a krb5 object with its own free function (which takes the context) on scope exit.
template <class T, void (*FreeFn)(krb5_context, T*)>
struct Free {
  krb5_context ctx = nullptr;
  void operator()(T* p) const {
    if (p != nullptr) FreeFn(ctx, p);
  }
};
using PrincipalPtr = std::unique_ptr<krb5_principal_data, Free<krb5_principal_data, krb5_free_principal>>;
using TicketPtr = std::unique_ptr<krb5_ticket, Free<krb5_ticket, krb5_free_ticket>>;
using CredsPtr = std::unique_ptr<krb5_creds, Free<krb5_creds, krb5_free_creds>>;
using KeyblockPtr = std::unique_ptr<krb5_keyblock, Free<krb5_keyblock, krb5_free_keyblock>>;
using InitCredsOptPtr =
    std::unique_ptr<krb5_get_init_creds_opt, Free<krb5_get_init_creds_opt, krb5_get_init_creds_opt_free>>;

// A krb5_creds filled in place (krb5_cc_next_cred, krb5_get_init_creds_*): its contents are
// freed on scope exit, the struct itself is ours.
class CredsContents {
 public:
  explicit CredsContents(krb5_context ctx) : ctx_(ctx) {}
  ~CredsContents() { krb5_free_cred_contents(ctx_, &creds_); }
  CredsContents(const CredsContents&) = delete;
  CredsContents& operator=(const CredsContents&) = delete;
  krb5_creds* get() { return &creds_; }
  const krb5_creds& operator*() const { return creds_; }
  const krb5_creds* operator->() const { return &creds_; }
  // Frees the contents now, so the struct can be filled again (a cursor loop).
  void reset() {
    krb5_free_cred_contents(ctx_, &creds_);
    creds_ = krb5_creds{};
  }

 private:
  krb5_context ctx_;
  krb5_creds creds_{};
};

// An open ccache, closed on scope exit.
class Ccache {
 public:
  Ccache(krb5_context ctx, krb5_ccache cc) : ctx_(ctx), cc_(cc) {}
  ~Ccache();
  Ccache(const Ccache&) = delete;
  Ccache& operator=(const Ccache&) = delete;
  krb5_ccache get() const { return cc_; }

 private:
  krb5_context ctx_;
  krb5_ccache cc_;
};

// An open keytab, closed on scope exit.
class Keytab {
 public:
  Keytab(krb5_context ctx, krb5_keytab kt) : ctx_(ctx), kt_(kt) {}
  ~Keytab();
  Keytab(const Keytab&) = delete;
  Keytab& operator=(const Keytab&) = delete;
  krb5_keytab get() const { return kt_; }

 private:
  krb5_context ctx_;
  krb5_keytab kt_;
};

// A principal's text form ("host/localhost@AUTHCTX.TEST"); empty when it cannot be unparsed.
std::string unparse(krb5_context ctx, krb5_const_principal p);

}  // namespace authctx::krb5
