// Opening encrypted parts with held and learned keys. See key_decryptor.hpp.
#include "inspect/key_decryptor.hpp"

#include <algorithm>

namespace authctx::inspect {

using decode::Decrypted;
using decode::KeyUsage;
using decode::SealedPart;

std::string part_name(KeyUsage usage) {
  switch (usage) {
    case KeyUsage::ticket: return "the ticket";
    case KeyUsage::as_rep: return "the AS-REP enc-part";
    case KeyUsage::tgs_authenticator: return "the TGS-REQ authenticator";
    case KeyUsage::tgs_rep_session:
    case KeyUsage::tgs_rep_subkey: return "the TGS-REP enc-part";
    case KeyUsage::ap_authenticator: return "the authenticator";
    case KeyUsage::ap_rep: return "the AP-REP enc-part";
    case KeyUsage::krb_cred: return "the KRB-CRED enc-part";
  }
  return "the part";
}

Decrypted KeyDecryptor::try_keys(const SealedPart& part, const std::vector<KeyCandidate>& keys, std::int32_t usage) {
  Decrypted out;
  for (const auto& k : keys) {
    if (k.enctype != part.etype) continue;
    if (auto plain = krb5::decrypt(*ctx_, k.enctype, k.key, usage, part.cipher)) {
      out.ok = true;
      out.plain = std::move(*plain);
      out.key = k.description;
      return out;
    }
  }
  return out;
}

Decrypted KeyDecryptor::record(const SealedPart& part, Decrypted result) {
  outcomes_.push_back({part.usage, result.ok, result.failure_class, result.ok ? result.key : result.message});
  return result;
}

Decrypted KeyDecryptor::decrypt(const SealedPart& part) {
  try {
    const auto usage = static_cast<std::int32_t>(part.usage);
    if (part.usage == KeyUsage::ticket || part.usage == KeyUsage::as_rep) {
      const auto keys = part.usage == KeyUsage::ticket ? keys_->for_ticket(part.server, part.kvno, part.etype)
                                                       : keys_->any_of(part.etype);
      Decrypted r = try_keys(part, keys, usage);
      if (!r.ok) {
        // Keytab entries for other principals are tried too, but only a password or --key
        // key (which fits any principal) failing makes this a wrong key rather than none.
        const bool wildcard_tried = !keys_->raw_of(part.etype).empty();
        const auto missing = keys_->explain_missing(part_name(part.usage), part.server.empty() ? "?" : part.server,
                                                    part.kvno, part.etype, wildcard_tried);
        r.failure_class = missing.failure_class;
        r.message = missing.message;
      }
      return record(part, std::move(r));
    }
    // Parts in a key found earlier in the exchange: newest first, then keys given by hand.
    std::vector<KeyCandidate> keys;
    for (auto it = learned_.rbegin(); it != learned_.rend(); ++it) {
      if (it->enctype == part.etype) keys.push_back({it->enctype, it->key.view(), it->what});
    }
    for (auto& k : keys_->raw_of(part.etype)) keys.push_back(std::move(k));
    Decrypted r = try_keys(part, keys, usage);
    if (!r.ok && part.usage == KeyUsage::tgs_rep_session) {
      r = try_keys(part, keys, static_cast<std::int32_t>(KeyUsage::tgs_rep_subkey));
    }
    if (!r.ok) {
      const std::string etype = krb5::enctype_name(part.etype);
      const bool any_learned = !learned_.empty();
      r.failure_class = any_learned ? "wrong_key" : "no_session_key";
      r.message = part_name(part.usage) + " (" + etype + ") is in a session key or subkey of the exchange; " +
                  (any_learned ? "none of the " + std::to_string(learned_.size()) + " keys found so far opens it"
                               : "no ticket of this exchange could be decrypted, so that key is unknown");
    }
    return record(part, std::move(r));
  } catch (const std::exception& e) {
    // krb5 allocation failures and the like: report, never throw into the decoder.
    Decrypted r;
    r.failure_class = "error";
    r.message = e.what();
    return record(part, std::move(r));
  }
}

void KeyDecryptor::learn_key(std::int32_t enctype, std::span<const std::uint8_t> key, const std::string& what) {
  if (learned_.size() >= k_max_learned) return;
  for (const auto& l : learned_) {
    if (l.enctype == enctype && l.key.size() == key.size() && std::equal(key.begin(), key.end(), l.key.view().begin()))
      return;
  }
  learned_.push_back({enctype, krb5::SecretBytes(key), what});
}

std::size_t KeyDecryptor::opened() const {
  std::size_t n = 0;
  for (const auto& o : outcomes_) n += o.ok ? 1 : 0;
  return n;
}

decode::Value KeyDecryptor::summary() const {
  decode::Value v = decode::Value::object();
  v.set("opened", opened());
  v.set("failed", outcomes_.size() - opened());
  decode::Value failures = decode::Value::array();
  for (const auto& o : outcomes_) {
    if (o.ok) continue;
    decode::Value f = decode::Value::object();
    f.set("class", o.failure_class);
    f.set("message", o.message);
    failures.push(std::move(f));
  }
  v.set("failures", std::move(failures));
  return v;
}

}  // namespace authctx::inspect
