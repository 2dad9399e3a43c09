#include "lab/state.hpp"

#include <cctype>

#include "util/errors.hpp"
#include "krb5/enctypes.hpp"
#include "lab/samba_config.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace {

nlohmann::ordered_json paths_json(const LabInfo& info) {
  const LabPaths p = info.paths();
  if (info.flavour == Flavour::samba) {
    const SambaPaths sp(p.samba_dir);
    return {
        {"krb5_conf", p.krb5_conf.string()},         {"kdc_conf", p.kdc_conf.string()},
        {"keytab", p.keytab.string()},               {"ccache", p.ccache.string()},
        {"ntlm_user_file", p.ntlm_user_file.string()}, {"password_file", p.password_file.string()},
        {"rcache_dir", p.rcache_dir.string()},       {"kdc_log", p.samba_log.string()},
        {"database", sp.sam_ldb.string()},           {"state_file", p.state_file.string()},
        {"smb_conf", sp.smb_conf.string()},          {"admin_password", p.admin_password_file.string()},
    };
  }
  return {
      {"krb5_conf", p.krb5_conf.string()},       {"kdc_conf", p.kdc_conf.string()},
      {"keytab", p.keytab.string()},             {"ccache", p.ccache.string()},
      {"ntlm_user_file", p.ntlm_user_file.string()}, {"password_file", p.password_file.string()},
      {"rcache_dir", p.rcache_dir.string()},     {"kdc_log", p.kdc_log.string()},
      {"database", p.database.string()},         {"state_file", p.state_file.string()},
  };
}

nlohmann::ordered_json env_json(const util::Environment& env) {
  auto out = nlohmann::ordered_json::object();
  for (const auto& [k, v] : env) out[k] = v;
  return out;
}

nlohmann::ordered_json dc_json(const LabInfo& info) {
  const std::string a = info.dc->address;
  const std::string fqdn = k_dc_fqdn;
  return {{"address", a},
          {"host_name", k_dc_host},
          {"fqdn", fqdn},
          {"netbios_domain", k_ad_netbios_domain},
          {"base_dn", k_ad_base_dn},
          {"pid", info.kdc_pid},
          {"ports", {{"kerberos", 88}, {"kpasswd", 464}, {"ldap", 389}, {"ldaps", 636}, {"global_catalog", 3268},
                     {"global_catalog_tls", 3269}}},
          {"ldap_signing", info.dc->ldap_strong_auth ? "required" : "relaxed"},
          {"ldap_url", "ldap://" + fqdn},
          // For clients that reach the DC by name (curl's --resolve HOST:PORT:ADDRESS).
          {"resolve", {fqdn + ":389:" + a, fqdn + ":636:" + a}}};
}

[[noreturn]] void not_a_lab(const std::filesystem::path& dir, const std::string& why) {
  throw util::setup_error("lab_not_found", dir.string() + " is not an authctx lab (" + why + ").",
                          "Give --dir the folder that `authctx lab up` printed as \"dir\".");
}

// AD's msDS-SupportedEncryptionTypes bits ([MS-KILE] 2.2.7) and the enctypes they stand for.
constexpr std::pair<std::uint32_t, std::int32_t> k_enctype_bits[] = {
    {0x1, 1}, {0x2, 3}, {0x4, 23}, {0x8, 17}, {0x10, 18}};

}  // namespace

std::string_view flavour_name(Flavour f) { return f == Flavour::samba ? "samba" : "mit"; }

AdAccount* LabInfo::find_account(const std::string& name) {
  for (auto& a : accounts) {
    if (a.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(a.name[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return &a;
  }
  return nullptr;
}

nlohmann::ordered_json supported_enctypes_json(std::uint32_t value) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& [bit, id] : k_enctype_bits)
    if ((value & bit) != 0) list.push_back({{"id", id}, {"name", krb5::enctype_name(id)}});
  return {{"value", value}, {"enctypes", list}};
}

std::vector<std::string> account_flag_names(std::uint32_t uac) {
  std::vector<std::string> out;
  if ((uac & 0x2) != 0) out.emplace_back("disabled");
  if ((uac & 0x10000) != 0) out.emplace_back("dont_expire_password");
  if ((uac & k_uac_trusted_for_delegation) != 0) out.emplace_back("trusted_for_delegation");
  if ((uac & k_uac_not_delegated) != 0) out.emplace_back("sensitive");
  if ((uac & 0x400000) != 0) out.emplace_back("dont_require_preauth");
  if ((uac & k_uac_trusted_to_auth_for_delegation) != 0) out.emplace_back("trusted_to_auth_for_delegation");
  return out;
}

nlohmann::ordered_json account_json(const LabInfo& info, const AdAccount& a) {
  nlohmann::ordered_json j;
  j["name"] = a.name;
  j["principal"] = a.name + "@" + info.realm;
  j["role"] = a.role;
  j["spns"] = a.spns;
  j["kvno"] = a.kvno;
  j["supported_enctypes"] = a.supported_enctypes ? supported_enctypes_json(*a.supported_enctypes) : nullptr;
  j["user_account_control"] = a.user_account_control;
  j["flags"] = account_flag_names(a.user_account_control);
  return j;
}

nlohmann::ordered_json to_document(const LabInfo& info) {
  nlohmann::ordered_json doc;
  doc["schema"] = "authctx/1";
  doc["command"] = "lab up";
  doc["flavour"] = flavour_name(info.flavour);
  doc["dir"] = info.dir.string();
  doc["realm"] = info.realm;
  doc["kdc"] = {{"address", info.kdc_address}, {"port", info.kdc_port}, {"pid", info.kdc_pid}};
  doc["user"] = {{"name", info.user}, {"password", info.password}};
  doc["services"] = info.services;
  if (info.flavour == Flavour::samba && info.dc) {
    doc["dc"] = dc_json(info);
    doc["admin"] = {{"name", std::string(k_ad_admin) + "@" + info.realm},
                    {"password_file", info.paths().admin_password_file.string()}};
    auto accounts = nlohmann::ordered_json::array();
    for (const auto& a : info.accounts) accounts.push_back(account_json(info, a));
    doc["accounts"] = accounts;
  }
  doc["paths"] = paths_json(info);
  doc["env"] = env_json(info.env());
  return doc;
}

void save_state(const LabInfo& info) {
  auto doc = to_document(info);
  doc["schema"] = k_state_schema;
  doc.erase("command");
  // A lab folder's path need not be UTF-8: replace such bytes rather than throw.
  const auto text = doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  util::write_private_file(info.paths().state_file, text + "\n");
}

LabInfo load_state(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) not_a_lab(dir, "no such folder");
  const LabPaths paths(dir);
  if (!std::filesystem::exists(paths.state_file, ec)) not_a_lab(dir, "it has no lab.json");
  try {
    const auto doc = nlohmann::json::parse(util::read_file(paths.state_file, 1u << 20));
    if (doc.value("schema", "") != k_state_schema) not_a_lab(dir, "lab.json has an unknown schema");
    LabInfo info;
    // The configuration files name the folder as `lab up` saw it; a copied or moved lab
    // would point at another lab's files (and KDC), so refuse it.
    info.dir = doc.at("dir").get<std::string>();
    std::error_code eq_ec;
    if (!std::filesystem::equivalent(info.dir, dir, eq_ec))
      not_a_lab(dir, "its lab.json belongs to " + info.dir.string() + "; was the folder moved or copied?");
    info.flavour = doc.value("flavour", "mit") == "samba" ? Flavour::samba : Flavour::mit;
    info.realm = doc.at("realm").get<std::string>();
    info.kdc_address = doc.at("kdc").at("address").get<std::string>();
    info.kdc_port = doc.at("kdc").at("port").get<std::uint16_t>();
    info.kdc_pid = doc.at("kdc").at("pid").get<pid_t>();
    info.user = doc.at("user").at("name").get<std::string>();
    info.password = doc.at("user").at("password").get<std::string>();
    info.services = doc.at("services").get<std::vector<std::string>>();
    if (info.flavour == Flavour::samba) {
      DcInfo dc;
      dc.address = doc.at("dc").at("address").get<std::string>();
      dc.ldap_strong_auth = doc.at("dc").at("ldap_signing").get<std::string>() == "required";
      info.dc = dc;
      for (const auto& a : doc.at("accounts")) {
        AdAccount account;
        account.name = a.at("name").get<std::string>();
        account.role = a.at("role").get<std::string>();
        account.spns = a.at("spns").get<std::vector<std::string>>();
        account.kvno = a.at("kvno").get<std::uint32_t>();
        if (!a.at("supported_enctypes").is_null())
          account.supported_enctypes = a.at("supported_enctypes").at("value").get<std::uint32_t>();
        account.user_account_control = a.at("user_account_control").get<std::uint32_t>();
        info.accounts.push_back(account);
      }
    }
    return info;
  } catch (const util::Error&) {
    throw;
  } catch (const std::exception& e) {
    not_a_lab(dir, std::string("lab.json is unreadable: ") + e.what());
  }
}

std::string shell_quote(const std::string& value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string env_exports(const util::Environment& env) {
  std::string out;
  for (const auto& [k, v] : env) out += "export " + k + "=" + shell_quote(v) + "\n";
  return out;
}

}  // namespace authctx::lab
