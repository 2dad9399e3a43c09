#include "lab/ad_knobs.hpp"

#include <algorithm>
#include <cctype>

#include "util/errors.hpp"
#include "lab/ad_keytab.hpp"
#include "lab/credentials.hpp"
#include "lab/samba.hpp"
#include "lab/samba_lab.hpp"
#include "lab/state.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace {

// One knob on one lab: loads the state, checks the flavour and the account, and after the
// change refreshes what lab.json and the ccache say.
struct Knob {
  LabInfo info;
  Directory directory;

  static Knob open(const std::filesystem::path& dir) {
    LabInfo info = load_state(dir);
    if (info.flavour != Flavour::samba)
      throw util::setup_error("lab_not_ad", dir.string() + " is an MIT lab; `authctx lab ad` works on Active Directory "
                                                          "labs only.",
                              "Make one with `authctx lab up --kdc samba`.");
    require_root();
    Directory directory = lab_directory(info);
    return Knob{std::move(info), std::move(directory)};
  }

  AdAccount& account(const std::string& name) {
    if (AdAccount* a = info.find_account(name)) return *a;
    std::string known;
    for (const auto& a : info.accounts) known += (known.empty() ? "" : ", ") + a.name;
    throw util::setup_error("lab_account_unknown", "The lab has no account named " + name + ".",
                            "Give --account one of: " + known + ".");
  }

  std::string dn(const std::string& name) const {
    const auto e = directory.account(name, {"sAMAccountName"});
    if (!e) throw util::setup_error("lab_account_unknown", "The lab's directory has no account named " + name + ".");
    return e->dn;
  }

  void modify(const std::string& ldif, const std::string& what) const {
    try {
      directory.modify(ldif);
    } catch (const DirectoryError& e) {
      throw util::setup_error("lab_directory_failed", "The domain controller refused to " + what + ": " + e.what(),
                              "Read the refusal above; Samba applies Active Directory's own rules.");
    }
  }

  // Re-reads the accounts, renews alice's TGT and saves lab.json; returns the account's JSON.
  nlohmann::ordered_json finish(const std::string& name) {
    refresh_accounts(info, directory);
    const LabPaths paths = info.paths();
    get_initial_tgt(paths.krb5_conf, info.user, info.password, paths.ccache);
    save_state(info);
    const AdAccount* a = info.find_account(name);
    return a != nullptr ? account_json(info, *a) : nlohmann::ordered_json();
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::optional<std::uint32_t> parse_supported_enctypes(const std::string& list) {
  if (lower(list) == "default") return std::nullopt;
  std::uint32_t value = 0;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    const std::string name = lower(list.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    if (name == "rc4" || name == "rc4-hmac" || name == "arcfour-hmac") value |= 0x4;
    else if (name == "aes128" || name == "aes128-cts-hmac-sha1-96") value |= 0x8;
    else if (name == "aes256" || name == "aes256-cts-hmac-sha1-96") value |= 0x10;
    else if (name == "aes") value |= 0x18;
    else if (name == "des-cbc-crc") value |= 0x1;
    else if (name == "des-cbc-md5") value |= 0x2;
    else
      throw util::usage_error("Unknown encryption type \"" + name + "\" in --enctypes.",
                              "Use a comma-separated list of rc4, aes128, aes256 (or aes), or default.");
  }
  if (value == 0) throw util::usage_error("--enctypes names no encryption type.", "Use e.g. aes or rc4,aes.");
  return value;
}

nlohmann::ordered_json set_enctypes(const std::filesystem::path& dir, const std::string& name,
                                    std::optional<std::uint32_t> value) {
  Knob k = Knob::open(dir);
  const auto before = account_json(k.info, k.account(name));
  // LDIF "replace" with no values removes the attribute (RFC 2849), whether or not it was set.
  std::string ldif = "dn: " + k.dn(name) + "\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\n";
  if (value) ldif += "msDS-SupportedEncryptionTypes: " + std::to_string(*value) + "\n";
  k.modify(ldif + "-\n", "set msDS-SupportedEncryptionTypes");
  return {{"account", name}, {"before", before}, {"after", k.finish(name)}};
}

nlohmann::ordered_json rekey(const std::filesystem::path& dir, const std::string& name, bool update_keytab) {
  Knob k = Knob::open(dir);
  const AdAccount account = k.account(name);
  const auto before = account_json(k.info, account);
  const std::string password = random_complex_password(account.role == "user" ? 16 : 24);
  k.modify(password_ldif(k.dn(name), password), "set a new password");
  const LabPaths paths = k.info.paths();
  // The lab's own copies of passwords follow the directory.
  if (account.role == "user") {
    k.info.password = password;
    util::write_private_file(paths.password_file, password + "\n");
    util::write_private_file(paths.ntlm_user_file, render_ntlm_user_file(password));
  } else if (account.role == "admin") {
    util::write_private_file(paths.admin_password_file, password + "\n");
  }
  auto after = k.finish(name);
  std::string keytab = "unchanged";
  if (update_keytab && !account.spns.empty()) {
    AccountKeys keys;
    keys.account_principal = account.name + "@" + k.info.realm;
    keys.password = password;
    for (const auto& spn : account.spns) keys.principals.push_back(spn + "@" + k.info.realm);
    keys.kvno = after["kvno"].get<std::uint32_t>();
    add_account_keys(paths.krb5_conf, paths.keytab, keys);
    keytab = "updated";
  } else if (!account.spns.empty()) {
    keytab = "stale";
  }
  return {{"account", name}, {"before", before}, {"after", after}, {"keytab", keytab}};
}

nlohmann::ordered_json add_spn(const std::filesystem::path& dir, const std::string& name, const std::string& spn) {
  Knob k = Knob::open(dir);
  const auto before = account_json(k.info, k.account(name));
  const std::string ldif = "dn: " + k.dn(name) + "\nchangetype: modify\nadd: servicePrincipalName\n"
                           "servicePrincipalName: " + ldif_value(spn) + "\n-\n";
  auto holders = nlohmann::ordered_json::array();
  try {
    k.directory.modify(ldif);
  } catch (const DirectoryError& refused) {
    for (const auto& e : k.directory.search("(servicePrincipalName=" + filter_escape(spn) + ")", {"sAMAccountName"}))
      holders.push_back(e.first("sAMAccountName").value_or(e.dn));
    if (holders.empty())
      throw util::setup_error("lab_directory_failed", "The domain controller refused to add " + spn + " to " + name +
                                                          ": " + refused.what(),
                              "Samba also refuses an SPN that aliases one on another account (HTTP/X against "
                              "host/X added later); pick another SPN.");
    // Samba refuses exact duplicates ("would cause a conflict"); AD can still end up with
    // one (replication, older DCs), which is what this knob is for.
    try {
      k.directory.modify_below_checks(ldif);
    } catch (const DirectoryError& e) {
      throw util::setup_error("lab_directory_failed", "The lab could not write the duplicate SPN: " +
                                                          std::string(e.what()));
    }
  }
  return {{"account", name}, {"spn", spn}, {"duplicate_of", holders}, {"before", before}, {"after", k.finish(name)}};
}

nlohmann::ordered_json remove_spn(const std::filesystem::path& dir, const std::string& name, const std::string& spn) {
  Knob k = Knob::open(dir);
  const auto before = account_json(k.info, k.account(name));
  const std::string ldif = "dn: " + k.dn(name) + "\nchangetype: modify\ndelete: servicePrincipalName\n"
                           "servicePrincipalName: " + ldif_value(spn) + "\n-\n";
  try {
    k.directory.modify(ldif);
  } catch (const DirectoryError& refused) {
    // Samba checks the uniqueness of every SPN a modification names, a deleted one too, so
    // it refuses to remove one copy of a duplicate: that removal goes below its checks.
    if (k.directory.search("(servicePrincipalName=" + filter_escape(spn) + ")", {"sAMAccountName"}).size() < 2)
      throw util::setup_error("lab_directory_failed",
                              "The domain controller refused to remove " + spn + " from " + name + ": " + refused.what());
    try {
      k.directory.modify_below_checks(ldif);
    } catch (const DirectoryError& e) {
      throw util::setup_error("lab_directory_failed", "The lab could not remove the duplicate SPN: " + std::string(e.what()));
    }
  }
  return {{"account", name}, {"spn", spn}, {"before", before}, {"after", k.finish(name)}};
}

nlohmann::ordered_json set_delegation(const std::filesystem::path& dir, const std::string& name,
                                      std::optional<bool> sensitive, std::optional<bool> trusted) {
  Knob k = Knob::open(dir);
  const AdAccount account = k.account(name);
  const auto before = account_json(k.info, account);
  std::uint32_t uac = account.user_account_control;
  if (sensitive) uac = *sensitive ? (uac | k_uac_not_delegated) : (uac & ~k_uac_not_delegated);
  if (trusted) uac = *trusted ? (uac | k_uac_trusted_for_delegation) : (uac & ~k_uac_trusted_for_delegation);
  k.modify("dn: " + k.dn(name) + "\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: " +
               std::to_string(uac) + "\n-\n",
           "change userAccountControl");
  return {{"account", name}, {"before", before}, {"after", k.finish(name)}};
}

nlohmann::ordered_json set_ldap_signing(const std::filesystem::path& dir, bool required) {
  Knob k = Knob::open(dir);
  const std::string before = k.info.dc->ldap_strong_auth ? "required" : "relaxed";
  k.info.dc->ldap_strong_auth = required;
  restart_dc(k.info);
  save_state(k.info);  // the new PID, even if the TGT below fails
  k.finish(k_ad_admin);
  return {{"ldap_signing", {{"before", before}, {"after", required ? "required" : "relaxed"}}},
          {"dc", {{"address", k.info.dc->address}, {"pid", k.info.kdc_pid}}}};
}

}  // namespace authctx::lab
