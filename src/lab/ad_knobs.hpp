// Knobs on a running AD lab (`authctx lab ad ...`): the account settings behind the Active
// Directory failures people troubleshoot, each applied to the lab's directory for real.
//
// - set_enctypes: msDS-SupportedEncryptionTypes of an account ([MS-KILE] 2.2.7). A user
//   account with an SPN and no value gets RC4 service tickets from the DC (measured: the
//   ticket is rc4-hmac while the session key is aes256); "aes" fixes that.
// - rekey: a new random password for an account (kvno + 1). The lab keytab stays as it was
//   (a stale keytab, as after a password change nobody exported) unless update_keytab.
// - add_spn / remove_spn: an SPN on an account. Samba refuses an SPN another account holds;
//   the lab then writes it below Samba's check (ad_directory.hpp) so the duplicate exists,
//   and says so ("duplicate_of").
// - set_delegation: "sensitive and cannot be delegated" (NOT_DELEGATED: the DC issues the
//   user no forwardable tickets) and "trusted for delegation" (TRUSTED_FOR_DELEGATION: the
//   DC sets ok-as-delegate in tickets for the service).
// - set_ldap_signing: `ldap server require strong auth` yes/no, applied by restarting the DC.
// Every knob updates lab.json and renews alice's TGT in the lab ccache (so no service ticket
// obtained under the old settings lingers there), and returns the account (or DC setting)
// before and after. Failures throw util::setup_error; an MIT lab gets lab_not_ad.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace authctx::lab {

// "rc4,aes128,aes256" (also "aes" for both AES, "des-cbc-crc", "des-cbc-md5") to the
// msDS-SupportedEncryptionTypes bits; "default" to nullopt (the attribute removed).
// Throws util::usage_error for an unknown name.
std::optional<std::uint32_t> parse_supported_enctypes(const std::string& list);

nlohmann::ordered_json set_enctypes(const std::filesystem::path& dir, const std::string& account,
                                    std::optional<std::uint32_t> value);
nlohmann::ordered_json rekey(const std::filesystem::path& dir, const std::string& account, bool update_keytab);
nlohmann::ordered_json add_spn(const std::filesystem::path& dir, const std::string& account, const std::string& spn);
nlohmann::ordered_json remove_spn(const std::filesystem::path& dir, const std::string& account, const std::string& spn);
nlohmann::ordered_json set_delegation(const std::filesystem::path& dir, const std::string& account,
                                      std::optional<bool> sensitive, std::optional<bool> trusted);
nlohmann::ordered_json set_ldap_signing(const std::filesystem::path& dir, bool required);

}  // namespace authctx::lab
