#include "lab/ad_keytab.hpp"

#include "util/errors.hpp"
#include "krb5/handles.hpp"

namespace authctx::lab {
namespace {

// The enctypes a Samba 4.17 DC keeps for an account by default (no DES): the keytab holds
// a key for each, so a ticket in any of them can be accepted.
constexpr krb5_enctype k_enctypes[] = {ENCTYPE_AES256_CTS_HMAC_SHA1_96, ENCTYPE_AES128_CTS_HMAC_SHA1_96,
                                       ENCTYPE_ARCFOUR_HMAC};

[[noreturn]] void fail(const std::string& what) {
  throw util::setup_error("lab_keytab_failed", "The lab could not write its keytab: " + what + ".",
                          "Read samba.log in the lab folder; the domain controller may have stopped.");
}

// Contents the library allocated into structs that are ours.
struct OwnedData {
  krb5_context ctx;
  krb5_data data{};
  ~OwnedData() { krb5_free_data_contents(ctx, &data); }
};
struct OwnedKey {
  krb5_context ctx;
  krb5_keyblock key{};
  ~OwnedKey() { krb5_free_keyblock_contents(ctx, &key); }
};

}  // namespace

void add_account_keys(const std::filesystem::path& krb5_conf, const std::filesystem::path& keytab,
                      const AccountKeys& keys) {
  krb5::Context ctx(krb5_conf);
  krb5_context c = ctx.get();
  auto check = [&](krb5_error_code rc, const std::string& what) {
    if (rc != 0) fail(what + ": " + ctx.message(rc));
  };

  krb5_principal account_raw = nullptr;
  check(krb5_parse_name(c, keys.account_principal.c_str(), &account_raw), "cannot parse " + keys.account_principal);
  const krb5::PrincipalPtr account(account_raw, {c});
  krb5_enctype preferred = 0;
  OwnedData salt{c}, params{c};
  check(krb5_get_etype_info(c, account.get(), nullptr, &preferred, &salt.data, &params.data),
        "cannot ask the domain controller for the salt of " + keys.account_principal);

  krb5_keytab kt_raw = nullptr;
  const std::string kt_name = "FILE:" + keytab.string();
  check(krb5_kt_resolve(c, kt_name.c_str(), &kt_raw), "cannot open " + kt_name);
  const krb5::Keytab kt(c, kt_raw);

  krb5_data password{};
  password.data = const_cast<char*>(keys.password.data());
  password.length = static_cast<unsigned int>(keys.password.size());
  for (const auto enctype : k_enctypes) {
    OwnedKey key{c};
    // The s2kparams the DC sent apply to its preferred (AES) enctype; RC4 has none.
    const bool aes = enctype != ENCTYPE_ARCFOUR_HMAC;
    check(krb5_c_string_to_key_with_params(c, enctype, &password, &salt.data,
                                           aes && params.data.length > 0 ? &params.data : nullptr, &key.key),
          "cannot derive a key for " + keys.account_principal);
    for (const auto& name : keys.principals) {
      krb5_principal p_raw = nullptr;
      check(krb5_parse_name(c, name.c_str(), &p_raw), "cannot parse " + name);
      const krb5::PrincipalPtr p(p_raw, {c});
      krb5_keytab_entry entry{};
      entry.principal = p.get();
      entry.vno = keys.kvno;
      entry.key = key.key;
      check(krb5_kt_add_entry(c, kt.get(), &entry), "cannot add " + name + " to " + kt_name);
    }
  }
}

}  // namespace authctx::lab
