// Thin wrappers over MIT krb5's crypto and keytab calls. See crypto.hpp.
#include "krb5/crypto.hpp"

#include "krb5/scoped.hpp"

#include <cstring>
#include <limits>
#include <string.h>  // explicit_bzero

namespace authctx::krb5 {

namespace {
krb5_data as_data(const std::string& s) {
  krb5_data d{};
  d.length = static_cast<unsigned int>(s.size());
  d.data = const_cast<char*>(s.data());  // input only: krb5 reads it
  return d;
}
}  // namespace

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void SecretBytes::wipe() {
  if (!bytes_.empty()) explicit_bzero(bytes_.data(), bytes_.size());
}

std::vector<KeytabKey> read_keytab(const Context& ctx, const std::string& name) {
  krb5_keytab raw = nullptr;
  ctx.check(krb5_kt_resolve(ctx.get(), name.c_str(), &raw), "cannot open the keytab " + name);
  Keytab kt(ctx.get(), raw);
  krb5_kt_cursor cursor = nullptr;
  ctx.check(krb5_kt_start_seq_get(ctx.get(), raw, &cursor), "cannot read the keytab " + name);
  std::vector<KeytabKey> out;
  KeytabEntryContents e(ctx.get());
  for (;;) {
    e.reset();
    const krb5_error_code rc = krb5_kt_next_entry(ctx.get(), raw, e.get(), &cursor);
    if (rc == KRB5_KT_END) break;
    if (rc != 0) {
      krb5_kt_end_seq_get(ctx.get(), raw, &cursor);
      ctx.check(rc, "cannot read the keytab " + name);
    }
    KeytabKey k;
    k.principal = unparse(ctx.get(), e->principal);
    k.kvno = e->vno;
    k.enctype = e->key.enctype;
    k.key = SecretBytes(std::span<const std::uint8_t>(e->key.contents, e->key.length));
    out.push_back(std::move(k));
  }
  krb5_kt_end_seq_get(ctx.get(), raw, &cursor);
  return out;
}

SecretBytes string_to_key(const Context& ctx, std::int32_t enctype, const std::string& password,
                          const std::string& salt) {
  const krb5_data pw = as_data(password);
  const krb5_data s = as_data(salt);
  krb5_keyblock key{};
  ctx.check(krb5_c_string_to_key(ctx.get(), enctype, &pw, &s, &key),
            "cannot derive a " + enctype_name(enctype) + " key from the password");
  SecretBytes out(std::span<const std::uint8_t>(key.contents, key.length));
  krb5_free_keyblock_contents(ctx.get(), &key);  // zeroes the contents before freeing
  return out;
}

std::string default_salt(const Context& ctx, const std::string& principal) {
  krb5_principal p = nullptr;
  ctx.check(krb5_parse_name(ctx.get(), principal.c_str(), &p), "cannot parse the principal " + principal);
  PrincipalPtr owned(p, {ctx.get()});
  DataContents salt(ctx.get());
  ctx.check(krb5_principal2salt(ctx.get(), p, salt.get()), "cannot make a salt for " + principal);
  return std::string(salt->data, salt->length);
}

std::string canonical_principal(const Context& ctx, const std::string& principal) {
  krb5_principal p = nullptr;
  ctx.check(krb5_parse_name(ctx.get(), principal.c_str(), &p), "cannot read the principal '" + principal + "'");
  PrincipalPtr owned(p, {ctx.get()});
  return unparse(ctx.get(), p);
}

std::string default_keytab_path(const Context& ctx) {
  char name[1024] = {};
  if (krb5_kt_default_name(ctx.get(), name, sizeof name) != 0) return {};
  std::string s = name;
  for (const char* prefix : {"FILE:", "WRFILE:"}) {
    if (s.rfind(prefix, 0) == 0) return s.substr(std::char_traits<char>::length(prefix));
  }
  return s.find(':') == std::string::npos || s.front() == '/' ? s : std::string();
}

std::vector<std::uint8_t> md5(const Context& ctx, std::span<const std::uint8_t> data) {
  if (data.size() > std::numeric_limits<unsigned int>::max()) return {};
  krb5_data in{};
  in.length = static_cast<unsigned int>(data.size());
  in.data = reinterpret_cast<char*>(const_cast<std::uint8_t*>(data.data()));  // input only
  krb5_checksum sum{};
  if (krb5_c_make_checksum(ctx.get(), CKSUMTYPE_RSA_MD5, nullptr, 0, &in, &sum) != 0) return {};
  std::vector<std::uint8_t> out(sum.contents, sum.contents + sum.length);
  krb5_free_checksum_contents(ctx.get(), &sum);
  return out;
}

std::optional<std::vector<std::uint8_t>> decrypt(const Context& ctx, std::int32_t enctype,
                                                  std::span<const std::uint8_t> key, std::int32_t usage,
                                                  std::span<const std::uint8_t> cipher) {
  if (cipher.size() > std::numeric_limits<unsigned int>::max() || key.size() > std::numeric_limits<unsigned int>::max())
    return std::nullopt;
  std::vector<std::uint8_t> key_copy(key.begin(), key.end());
  krb5_keyblock kb{};
  kb.enctype = enctype;
  kb.length = static_cast<unsigned int>(key_copy.size());
  kb.contents = key_copy.data();
  krb5_enc_data in{};
  in.enctype = enctype;
  in.ciphertext.length = static_cast<unsigned int>(cipher.size());
  in.ciphertext.data = reinterpret_cast<char*>(const_cast<std::uint8_t*>(cipher.data()));  // input only
  // The plaintext is never longer than the ciphertext (RFC 3961 §5.3).
  std::vector<std::uint8_t> plain(cipher.size());
  krb5_data out{};
  out.length = static_cast<unsigned int>(plain.size());
  out.data = reinterpret_cast<char*>(plain.data());
  const krb5_error_code rc = krb5_c_decrypt(ctx.get(), &kb, usage, nullptr, &in, &out);
  explicit_bzero(key_copy.data(), key_copy.size());
  if (rc != 0) return std::nullopt;
  plain.resize(out.length);
  return plain;
}

std::optional<std::int32_t> enctype_from_string(const std::string& text) {
  if (text.empty()) return std::nullopt;
  krb5_enctype e = 0;
  if (krb5_string_to_enctype(const_cast<char*>(text.c_str()), &e) == 0) return e;
  std::int32_t n = 0;
  for (std::size_t i = text[0] == '-' ? 1 : 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 100000) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -n : n;
}

std::optional<std::size_t> key_length(const Context& ctx, std::int32_t enctype) {
  if (!krb5_c_valid_enctype(enctype)) return std::nullopt;
  std::size_t keybytes = 0;
  std::size_t keylength = 0;
  if (krb5_c_keylengths(ctx.get(), enctype, &keybytes, &keylength) != 0) return std::nullopt;
  return keylength;
}


}  // namespace authctx::krb5
