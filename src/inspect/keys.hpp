// KeySet: the long-term keys a user holds, for opening Kerberos encrypted parts offline
// (`authctx decode --keytab FILE | --password-file FILE --principal NAME | --key ENCTYPE:HEX`).
//
//   keytab     every entry (principal, kvno, enctype, key), read with MIT's keytab code
//   password   the first line of a file, turned into a key per enctype on demand with
//              MIT's string-to-key and the salt of the account: MIT's default (realm then
//              name components) which is also Active Directory's for user accounts
//              ("AD.EXAMPLE.COMalice"); for a machine account ("NAME$") AD's rule, realm +
//              "host" + lower-case name + "." + lower-case realm; or a salt given outright.
//              In AD the salt follows the account, not the SPN: give the account
//              (websvc@AD.EXAMPLE.COM), not HTTP/web.
//   key        one raw key, "ENCTYPE:HEX" (enctype by MIT name or number)
// Password and raw keys fit any principal and kvno; keytab keys are matched by principal,
// kvno and enctype first. explain_missing() names the key a part needs and what is held:
// "the ticket is for HTTP/web@R, kvno 9, aes256-cts-hmac-sha1-96; the keytab holds HTTP/web@R
// kvno 13 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)".
//
// Key bytes stay in krb5::SecretBytes and never reach describe() or any message. Loading
// throws util::Error: setup, class key_file_unreadable (a key file that cannot be read:
// exit 5 in the CLI), or usage (a malformed --key or principal: exit 2).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "decode/value.hpp"
#include "krb5/crypto.hpp"
#include "krb5/handles.hpp"

namespace authctx::inspect {

// A key to try, and how to name it in output.
struct KeyCandidate {
  std::int32_t enctype = 0;
  std::span<const std::uint8_t> key;
  std::string description;  // "keytab entry HTTP/web@R kvno 2 (aes256-cts-hmac-sha1-96)"
};

// Why no held key opens a ticket.
struct MissingKey {
  std::string failure_class;  // no_key, kvno_mismatch, enctype_mismatch, wrong_key
  std::string message;
};

class KeySet {
 public:
  explicit KeySet(const krb5::Context& ctx) : ctx_(&ctx) {}
  ~KeySet();  // wipes the password
  KeySet(KeySet&&) = default;
  KeySet& operator=(KeySet&&) = default;

  void add_keytab(const std::string& path);  // may be called for several keytabs
  void add_password_file(const std::string& path, const std::string& principal, const std::optional<std::string>& salt);
  void add_key_spec(const std::string& spec);
  bool empty() const { return keytab_.empty() && !password_ && raw_.empty(); }

  // The keys worth trying for a ticket (server "sname@realm", kvno, enctype), best first:
  // keytab entries for that principal and kvno, then any other keytab entry of that
  // enctype, then password and raw keys of that enctype.
  std::vector<KeyCandidate> for_ticket(const std::string& server, std::optional<std::int64_t> kvno, std::int32_t etype);
  // Any held key of that enctype (a part in a client's long-term key: an AS-REP).
  std::vector<KeyCandidate> any_of(std::int32_t etype);
  // Password-derived and raw keys only (they may be a session key given with --key).
  std::vector<KeyCandidate> raw_of(std::int32_t etype);

  // What the ticket needs against what is held; `tried` says whether a password or --key
  // key of that enctype was tried and failed its integrity check (then: wrong_key).
  MissingKey explain_missing(const std::string& what, const std::string& server, std::optional<std::int64_t> kvno,
                             std::int32_t etype, bool tried) const;
  // "the keytab holds HTTP/web@R kvno 2 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)"
  std::string holdings() const;
  // The sources for output: [{"source": "keytab", "path", "entries": [{principal, kvno,
  // enctype}]}, {"source": "password", "path", "principal", "salt"}, {"source": "key",
  // "enctype"}]. Never key bytes.
  decode::Value describe() const;

 private:
  struct RawKey {
    std::int32_t enctype;
    krb5::SecretBytes key;
  };
  struct Password {
    std::string path;
    std::string principal;
    std::string salt;
    std::string password;  // wiped in ~KeySet
    std::map<std::int32_t, krb5::SecretBytes> derived;
  };

  const krb5::Context* ctx_;
  struct KeytabFile {
    std::string path;
    std::size_t first = 0;  // its entries are keytab_[first, first + count)
    std::size_t count = 0;
  };
  std::vector<KeytabFile> keytab_files_;
  std::vector<krb5::KeytabKey> keytab_;
  std::optional<Password> password_;
  std::vector<RawKey> raw_;
};

// Active Directory's salt for an account principal: a machine account "NAME$@REALM" gets
// "REALMhost" + lower-case NAME + "." + lower-case REALM; anything else MIT's default.
std::string ad_salt_for(const krb5::Context& ctx, const std::string& principal);

}  // namespace authctx::inspect
