// More of the krb5 RAII kit (handles.hpp): scoped frees for what the doctor's checks get
// from the library besides principals, tickets and creds: strings (a ccache's full name, the
// default realm), error messages, KRB-ERRORs, init-creds contexts, and the contents of a
// krb5_data or krb5_keytab_entry that the library filled in place.
#pragma once
#include <krb5/krb5.h>

#include <memory>

#include "krb5/handles.hpp"

namespace authctx::krb5 {

using StringPtr = std::unique_ptr<char, Free<char, krb5_free_string>>;
using DefaultRealmPtr = std::unique_ptr<char, Free<char, krb5_free_default_realm>>;
using MessagePtr = std::unique_ptr<const char, Free<const char, krb5_free_error_message>>;
using ErrorPtr = std::unique_ptr<krb5_error, Free<krb5_error, krb5_free_error>>;
using InitCredsContextPtr =
    std::unique_ptr<_krb5_init_creds_context, Free<_krb5_init_creds_context, krb5_init_creds_free>>;

// A struct the library fills in place; its contents are freed on scope exit (and by reset(),
// so a cursor loop can fill it again).
template <class T, auto FreeContents>
class Contents {
 public:
  explicit Contents(krb5_context ctx) : ctx_(ctx) {}
  ~Contents() { FreeContents(ctx_, &value_); }
  Contents(const Contents&) = delete;
  Contents& operator=(const Contents&) = delete;
  T* get() { return &value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }
  void reset() {
    FreeContents(ctx_, &value_);
    value_ = T{};
  }

 private:
  krb5_context ctx_;
  T value_{};
};
using DataContents = Contents<krb5_data, krb5_free_data_contents>;
using KeytabEntryContents = Contents<krb5_keytab_entry, krb5_free_keytab_entry_contents>;

}  // namespace authctx::krb5
