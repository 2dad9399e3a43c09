// The RFC 4121 §4.1.1.2 channel-binding hash a krb5 initiator puts in its authenticator
// checksum (Bnd), computed independently of authctx's decoders with MIT's own MD5: for
// authctx's bindings (address types GSS_C_AF_UNSPEC, no addresses) the MD5 of 16 zero
// bytes, the application data's length (4 bytes, little-endian) and the data. Lower-case hex.
#pragma once
#include <string>

namespace authctx::test {

std::string gss_bindings_md5_hex(const std::string& application_data);

}  // namespace authctx::test
