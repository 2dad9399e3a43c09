// Readers for the RFC 4120 building blocks shared by the Kerberos message decoders:
// PrincipalName (§5.2.2), EncryptedData (§5.2.9), Ticket (§5.3), PA-DATA (§5.2.7, with
// PA-ETYPE-INFO2, PA-ETYPE-INFO, PA-PW-SALT, PA-PAC-REQUEST, PA-ENC-TIMESTAMP and PA-TGS-REQ
// looked into), HostAddresses (§5.2.5) and a sequence of Int32 enctypes.
//
// Each reads from a field reader (the contents of an explicit [n] tag), writes what it
// understood into `out` and leaves problems in the reader's diagnostics. Principal names
// are written as two keys: `<key>` ("host/localhost", components joined by '/') and
// `<key>_type` ({"id": 3, "name": "NT-SRV-HST"}). Cipher bytes are never copied; only
// their length is. read_ticket() opens the ticket's enc-part when Options::decryptor can.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "decode/decoders.hpp"
#include "decode/krb5_enc_parts.hpp"

namespace authctx::decode {

void read_principal(DerReader& r, Value& out, std::string_view key);

// An EncryptedData's node ({"etype", "kvno", "cipher_length"}) and what opening it needs.
struct EncryptedData {
  Value node;
  bool ok = false;  // etype and cipher were read
  std::int32_t etype = 0;
  std::optional<std::int64_t> kvno;
  Bytes cipher;
};
EncryptedData read_encrypted_data_parts(DerReader& r, std::string_view what);
Value read_encrypted_data(DerReader& r, std::string_view what);
// When ctx has a decryptor: asks it to open `enc` (key usage, and for tickets the server
// "sname@realm"), then sets enc.node["decryption"] and, on success, enc.node["decrypted"]
// to decode_plain(plaintext). An etype-0 KRB-CRED part is plaintext already (RFC 6448).
void open_encrypted(EncryptedData& enc, KeyUsage usage, const std::string& server, const Ctx& ctx,
                    PlainDecoder decode_plain);
Value read_ticket(DerReader& r, const Ctx& ctx);
Value read_padata_list(DerReader& r, const Ctx& ctx);
Value read_etype_list(DerReader& r);
Value read_host_addresses(DerReader& r);
// Reads an Int32 / UInt32 / KerberosString / KerberosTime field [n] of `seq` into out[key].
bool read_int_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);
bool read_string_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);
bool read_time_field(DerReader& seq, std::uint32_t n, Value& out, std::string_view key, bool required);

}  // namespace authctx::decode
