// Small RAII helpers over the MIT krb5 C API for the doctor's checks: one owning context,
// scoped frees for the objects it hands out, and the library's own texts for error codes,
// principals and enctypes. Nothing here throws: callers turn codes into check results.
#pragma once
#include <krb5/krb5.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace authctx::doctor {

// An owning krb5_context from krb5_init_context (which reads KRB5_CONFIG and the other
// environment variables); init_error() is non-zero when it could not be made.
class Krb5Context {
 public:
  Krb5Context();
  ~Krb5Context();
  Krb5Context(const Krb5Context&) = delete;
  Krb5Context& operator=(const Krb5Context&) = delete;
  krb5_context get() const { return ctx_; }
  krb5_error_code init_error() const { return init_error_; }
  // The library's message for code (with the extended text it kept for this context).
  std::string message(krb5_error_code code) const;

 private:
  krb5_context ctx_ = nullptr;
  krb5_error_code init_error_ = 0;
};

// Frees a krb5 object with its own free function (which takes the context) on scope exit.
template <class T, void (*Free)(krb5_context, T*)>
struct Krb5Free {
  krb5_context ctx;
  void operator()(T* p) const {
    if (p != nullptr) Free(ctx, p);
  }
};
using PrincipalPtr = std::unique_ptr<krb5_principal_data, Krb5Free<krb5_principal_data, krb5_free_principal>>;
using TicketPtr = std::unique_ptr<krb5_ticket, Krb5Free<krb5_ticket, krb5_free_ticket>>;
using CredsPtr = std::unique_ptr<krb5_creds, Krb5Free<krb5_creds, krb5_free_creds>>;

// An open ccache or keytab, closed on scope exit.
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

std::string unparse(krb5_context ctx, krb5_const_principal p);
// {"id": 18, "name": "aes256-cts-hmac-sha1-96"} (the contract's enctype shape).
nlohmann::ordered_json enctype_json(krb5_enctype e);
// rc4 and the DES family: usable but weak (RFC 8429 deprecates them).
bool weak_enctype(krb5_enctype e);

}  // namespace authctx::doctor
