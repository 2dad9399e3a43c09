// GSS-API mechanism OIDs the decoders recognise, and their {"oid","name"} Value shape.
//
//   krb5        1.2.840.113554.1.2.2        RFC 1964 / RFC 4121
//   krb5_old    1.3.5.1.5.2                 pre-RFC 1964 Kerberos OID
//   krb5_wrong  1.2.840.48018.1.2.2         Microsoft's mis-encoded krb5 OID (MS-KILE §3.1.5.11)
//   iakerb      1.3.6.1.5.2.5               draft-ietf-kitten-iakerb
//   spnego      1.3.6.1.5.5.2               RFC 4178
//   ntlmssp     1.3.6.1.4.1.311.2.2.10      MS-NLMP
//   negoex      1.3.6.1.4.1.311.2.2.30      MS-NEGOEX
// Unrecognised OIDs keep their dotted form and get no "name".
#pragma once
#include <string_view>

#include "decode/value.hpp"

namespace authctx::decode {

enum class Mech { unknown, krb5, krb5_old, krb5_wrong, iakerb, spnego, ntlmssp, negoex };

Mech mech_from_oid(std::string_view dotted);
std::string_view mech_name(Mech m);  // "" for Mech::unknown
bool is_krb5_family(Mech m);         // krb5, krb5_old, krb5_wrong
Value oid_value(std::string_view dotted);

}  // namespace authctx::decode
