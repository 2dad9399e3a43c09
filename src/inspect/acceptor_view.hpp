// What an acceptor can tell about the Kerberos AP-REQ it received, when it can read its own
// keytab: the facts of the ticket and the authenticator that explain most failures, in one
// small object for the acceptor's CONTEXT view ("ticket"):
//
//   {"server": "HTTP/web@R", "kvno": 2, "enctype": {id, name},      the ticket, as sent
//    "decrypted": true, "key": "keytab entry ...",                    or "decryption": {ok, class, message}
//    "client": "alice@R", "session_key": {"enctype", "length"},      inside the ticket
//    "flags": [...], "authtime", "endtime", "pac": {summary},
//    "authenticator": {"ctime", "cusec", "subkey_enctype", "seq_number",
//                      "checksum_flags": [...], "delegated": true,
//                      "bindings": {"sent": HEX, "expected": HEX, "match": true}}}
//
// `expected_bindings` is the application data the acceptor was configured with (authctx's
// bindings carry no addresses); "expected" is its RFC 4121 §4.1.1.2 MD5, so the hash the
// client sent can be compared with the one the server wanted. Key bytes appear only with
// show_secrets (as the decoders show them). explain_ticket_key() gives the sentence naming
// the kvno and enctype a ticket needs and what the keytab holds, for the acceptor's
// keytab_kvno_mismatch / keytab_no_matching_key errors. Neither throws.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "decode/value.hpp"
#include "inspect/keys.hpp"
#include "krb5/handles.hpp"

namespace authctx::inspect {

// The "ticket" object for the first AP-REQ in token (any GSS/SPNEGO framing), or null when
// the token carries none.
decode::Value describe_ap_req(const krb5::Context& ctx, std::span<const std::uint8_t> token, KeySet& keys,
                              const std::optional<std::vector<std::uint8_t>>& expected_bindings, bool show_secrets);

// "the ticket is for HTTP/web@R, kvno 9, aes256-cts-hmac-sha1-96; the keytab holds ..." for
// the first AP-REQ in token, or nullopt when there is none or the keytab opens it.
std::optional<MissingKey> explain_ticket_key(const krb5::Context& ctx, std::span<const std::uint8_t> token,
                                             KeySet& keys);

// RFC 4121 §4.1.1.2 Bnd for bindings with no addresses (address types 0) and this
// application data, as lower-case hex; empty when MD5 is unavailable.
std::string bindings_hash_hex(const krb5::Context& ctx, std::span<const std::uint8_t> application_data);

}  // namespace authctx::inspect
