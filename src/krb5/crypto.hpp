// MIT krb5's own cryptography (krb5_c_*), for reading what the user's keys can open:
// reading every key of a keytab, deriving a key from a password and salt (RFC 3961 §3
// string-to-key, with the enctype's default parameters), decrypting with a key usage
// (RFC 4120 §7.5.1), and the enctype facts the callers check input against. Key bytes live
// in SecretBytes, which wipes them when it goes away; nothing here prints or logs them.
#pragma once
#include <krb5/krb5.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "krb5/enctypes.hpp"
#include "krb5/handles.hpp"

namespace authctx::krb5 {

// Bytes that are wiped (explicit_bzero) when destroyed or reassigned. Move-only.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}
  ~SecretBytes() { wipe(); }
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  std::span<const std::uint8_t> view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  void wipe();
  std::vector<std::uint8_t> bytes_;
};

struct KeytabKey {
  std::string principal;  // unparsed, "HTTP/web@R"
  std::uint32_t kvno = 0;
  std::int32_t enctype = 0;
  SecretBytes key;
};

// Every entry of the keytab, in file order. Throws KrbError when it cannot be read.
std::vector<KeytabKey> read_keytab(const Context& ctx, const std::string& name);

// RFC 3961 string-to-key for enctype with the enctype's default parameters (MIT
// krb5_c_string_to_key; aes-sha2 prefixes the enctype name itself, rc4 ignores the salt).
// Throws KrbError.
SecretBytes string_to_key(const Context& ctx, std::int32_t enctype, const std::string& password,
                          const std::string& salt);

// MIT's default salt for a principal (realm followed by the name components, RFC 4120
// §4); throws KrbError when the name cannot be parsed.
std::string default_salt(const Context& ctx, const std::string& principal);
// The principal as the library writes it, with the default realm added when it has none;
// throws KrbError when it cannot be parsed (or there is no default realm to add).
std::string canonical_principal(const Context& ctx, const std::string& principal);

// The file behind the default keytab (KRB5_KTNAME or the library's default), without its
// "FILE:"/"WRFILE:" prefix; empty when the default is not a file keytab.
std::string default_keytab_path(const Context& ctx);

// The unkeyed MD5 checksum (RFC 1321, MIT CKSUMTYPE_RSA_MD5) of data: what RFC 4121
// §4.1.1.2 puts in the authenticator for channel bindings. Empty when unavailable.
std::vector<std::uint8_t> md5(const Context& ctx, std::span<const std::uint8_t> data);

// krb5_c_decrypt with the key usage; nullopt when the integrity check fails (wrong key) or
// the enctype is not supported.
std::optional<std::vector<std::uint8_t>> decrypt(const Context& ctx, std::int32_t enctype,
                                                  std::span<const std::uint8_t> key, std::int32_t usage,
                                                  std::span<const std::uint8_t> cipher);

// The enctype for a name MIT knows ("aes256-cts-hmac-sha1-96", "aes256-cts", "rc4-hmac")
// or a number; nullopt when neither.
std::optional<std::int32_t> enctype_from_string(const std::string& text);
// The key length in bytes for an enctype MIT supports, or nullopt.
std::optional<std::size_t> key_length(const Context& ctx, std::int32_t enctype);

}  // namespace authctx::krb5
