// Facts about Kerberos encryption types that more than one module judges: which ones are
// weak. One table, so `local`, `doctor` and the decoders never disagree about a key.
#pragma once
#include <cstdint>

namespace authctx::krb5 {

// The DES family, 3DES and RC4 (RFC 6649 deprecates DES, RFC 8429 3DES and RC4): usable
// where still enabled, but weak. AES (17, 18, 19, 20) and Camellia (25, 26) are not.
bool weak_enctype(std::int32_t enctype);

}  // namespace authctx::krb5
