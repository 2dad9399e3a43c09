// KeyDecryptor: the decode::Decryptor that opens Kerberos encrypted parts with MIT krb5's
// krb5_c_decrypt and the RFC 4120 §7.5.1 key usages, using the keys a KeySet holds and the
// keys found along the way.
//
//   tickets (usage 2)              KeySet::for_ticket: the keytab entry for the ticket's
//                                  server, kvno and enctype first, then anything else held
//   AS-REP (3)                     any held key of the part's enctype (a client's password)
//   authenticator (7, 11), AP-REP  keys learned from earlier parts, newest first: the
//   (12), KRB-CRED (14), TGS-REP   ticket's session key, the authenticator's subkey, ...;
//   (8, then 9)                    then --key / password keys (a session key given by hand)
//
// One KeyDecryptor serves a whole run (every token of a document or transcript), so the
// session key from the AP-REQ's ticket opens the AP-REP in the next token. Each attempt is
// recorded (outcomes()) for the caller's summary. Never throws from decrypt()/learn_key().
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "decode/decryptor.hpp"
#include "decode/value.hpp"
#include "inspect/keys.hpp"
#include "krb5/crypto.hpp"
#include "krb5/handles.hpp"

namespace authctx::inspect {

struct Outcome {
  decode::KeyUsage usage;
  bool ok = false;
  std::string failure_class;  // when !ok
  std::string message;        // the key used, or why none fits
};

class KeyDecryptor final : public decode::Decryptor {
 public:
  KeyDecryptor(const krb5::Context& ctx, KeySet& keys) : ctx_(&ctx), keys_(&keys) {}

  decode::Decrypted decrypt(const decode::SealedPart& part) override;
  void learn_key(std::int32_t enctype, std::span<const std::uint8_t> key, const std::string& what) override;

  const std::vector<Outcome>& outcomes() const { return outcomes_; }
  std::size_t opened() const;
  // {"opened": N, "failed": M, "failures": ["message", ...]} for the decode document.
  decode::Value summary() const;

 private:
  struct Learned {
    std::int32_t enctype;
    krb5::SecretBytes key;
    std::string what;
  };
  static constexpr std::size_t k_max_learned = 256;

  decode::Decrypted try_keys(const decode::SealedPart& part, const std::vector<KeyCandidate>& keys, std::int32_t usage);
  decode::Decrypted record(const decode::SealedPart& part, decode::Decrypted result);

  const krb5::Context* ctx_;
  KeySet* keys_;
  std::vector<Learned> learned_;
  std::vector<Outcome> outcomes_;
};

// What a part is, in words ("the ticket", "the authenticator", ...).
std::string part_name(decode::KeyUsage usage);

}  // namespace authctx::inspect
