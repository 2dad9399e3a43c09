// Readers for the RFC 4120 building blocks shared by the Kerberos message decoders:
// PrincipalName (§5.2.2), EncryptedData (§5.2.9), Ticket (§5.3), PA-DATA (§5.2.7, with
// PA-ETYPE-INFO2, PA-ETYPE-INFO, PA-PW-SALT, PA-PAC-REQUEST, PA-ENC-TIMESTAMP and PA-TGS-REQ
// looked into), HostAddresses (§5.2.5) and a sequence of Int32 enctypes.
//
// Each reads from a field reader (the contents of an explicit [n] tag), writes what it
// understood into `out` and leaves problems in the reader's diagnostics. Principal names
// are written as two keys: `<key>` ("host/localhost", components joined by '/') and
// `<key>_type` ({"id": 3, "name": "NT-SRV-HST"}). Cipher bytes are never copied; only
// their length is.
#pragma once
#include <string_view>

#include "decode/decoders.hpp"

namespace authctx::decode {

void read_principal(DerReader& r, Value& out, std::string_view key);
// secret_of: when given, the cipher text is noted as a secret range (note_secret): cipher
// made with the client's password-derived key.
Value read_encrypted_data(DerReader& r, std::string_view what, const Ctx* secret_of = nullptr);
Value read_ticket(DerReader& r, const Ctx& ctx);
Value read_padata_list(DerReader& r, const Ctx& ctx);
Value read_etype_list(DerReader& r);
Value read_host_addresses(DerReader& r);
// Reads an Int32 / UInt32 / KerberosString / KerberosTime field [n] of `seq` into out[key].
bool read_int_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);
bool read_string_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);
bool read_time_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);

}  // namespace authctx::decode
