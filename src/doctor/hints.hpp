// Failure classes and hints for failing doctor checks. They come from the same table as
// handshake errors (report::classify), so `doctor` and `client` name a problem the same way:
// a krb5 error code is classified as the GSS-API minor code it would be; a class the doctor
// finds without an error code (a stale keytab it compared, an expiring TGT) is classified
// through the krb5 code that a handshake would fail with. Classes no handshake error maps
// to (keytab_missing, weak_enctype, ...) have their hint here.
#pragma once
#include <krb5/krb5.h>

#include <string>
#include <string_view>

namespace authctx::doctor {

struct ClassHint {
  std::string cls;
  std::string hint;
};

// The class and hint for a krb5 error code returned by a library call.
ClassHint classify_krb5(krb5_error_code code);
// The hint for a class id (the doctor decides the class itself).
ClassHint hint_for(std::string_view cls);

}  // namespace authctx::doctor
