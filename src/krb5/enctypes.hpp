// Facts about Kerberos encryption types that more than one module needs: their names (the
// library's own, e.g. "aes256-cts-hmac-sha1-96") and which ones are weak. One table each, so
// `local`, `doctor`, the lab and the decoders never disagree about a key.
#pragma once
#include <cstdint>
#include <string>

namespace authctx::krb5 {

// The DES family, 3DES and RC4 (RFC 6649 deprecates DES, RFC 8429 3DES and RC4): usable
// where still enabled, but weak. AES (17, 18, 19, 20) and Camellia (25, 26) are not.
bool weak_enctype(std::int32_t enctype);

// The library's name for an enctype (krb5_enctype_to_name, long form); "enctype-N" when it has
// none.
std::string enctype_name(std::int32_t enctype);

}  // namespace authctx::krb5
