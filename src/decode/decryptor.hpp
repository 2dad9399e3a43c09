// Decryptor: how the pure decoders ask for an encrypted part to be opened, without knowing
// any cryptography. The decoders stay standard-library only; an implementation with MIT
// krb5's crypto lives outside src/decode (src/inspect) and is handed in through
// Options::decryptor. With no decryptor the decoders behave exactly as before.
//
// For each RFC 4120 §5.2.9 EncryptedData whose plaintext they can read (a ticket's
// EncTicketPart, an AP-REQ's Authenticator, an AP-REP's EncAPRepPart, a KRB-CRED's
// EncKrbCredPart, a KDC reply's EncKDCRepPart) the decoders call decrypt() with the key
// usage (RFC 4120 §7.5.1), the enctype, the kvno and, for tickets, the server principal.
// On success they decode the plaintext into "decrypted" next to the part and report every
// key found inside it (a ticket's session key, an authenticator's subkey, ...) through
// learn_key(), so later parts of the same exchange — the authenticator after the ticket,
// the AP-REP in the next token — can be opened too. Every outcome is recorded on the
// part as "decryption": {"ok": true, "key": "..."} or {"ok": false, "class", "message"}.
// Key bytes never pass through the tree unless Options::show_secrets.
//
// Implementations must not throw; the decoders call them while decoding hostile input.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace authctx::decode {

// RFC 4120 §7.5.1 key usage numbers of the parts the decoders open.
enum class KeyUsage : std::int32_t {
  ticket = 2,               // Ticket enc-part, in the server's long-term key
  as_rep = 3,               // AS-REP enc-part, in the client's long-term key
  tgs_authenticator = 7,    // the authenticator of the AP-REQ in PA-TGS-REQ
  tgs_rep_session = 8,      // TGS-REP enc-part, in the TGT's session key
  tgs_rep_subkey = 9,       // TGS-REP enc-part, in the authenticator's subkey
  ap_authenticator = 11,    // AP-REQ authenticator, in the ticket's session key
  ap_rep = 12,              // AP-REP enc-part, in the session key (or the subkey)
  krb_cred = 14,            // KRB-CRED enc-part
};

// One encrypted part the decoder met.
struct SealedPart {
  KeyUsage usage = KeyUsage::ticket;
  std::int32_t etype = 0;
  std::optional<std::int64_t> kvno;
  std::span<const std::uint8_t> cipher;
  std::string server;  // tickets: "sname@realm"; AS-REP: the client "cname@crealm"; else empty
};

struct Decrypted {
  bool ok = false;
  std::vector<std::uint8_t> plain;  // when ok
  std::string key;                  // when ok: which key opened it, in words, never its bytes
  std::string failure_class;        // when !ok: no_key, kvno_mismatch, enctype_mismatch, wrong_key, no_session_key
  std::string message;              // when !ok: one sentence naming the key needed and the keys held
};

class Decryptor {
 public:
  virtual ~Decryptor() = default;
  virtual Decrypted decrypt(const SealedPart& part) = 0;
  // A key found inside a decrypted part; `what` says where ("session key of the ticket for
  // HTTP/web@R", "authenticator subkey"). Later parts are tried with it.
  virtual void learn_key(std::int32_t enctype, std::span<const std::uint8_t> key, const std::string& what) = 0;
};

}  // namespace authctx::decode
