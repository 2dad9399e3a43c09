#include "lab/state.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::lab {
namespace {

nlohmann::ordered_json paths_json(const LabPaths& p) {
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

[[noreturn]] void not_a_lab(const std::filesystem::path& dir, const std::string& why) {
  throw util::setup_error("lab_not_found", dir.string() + " is not an authctx lab (" + why + ").",
                          "Give --dir the folder that `authctx lab up` printed as \"dir\".");
}

}  // namespace

nlohmann::ordered_json to_document(const LabInfo& info) {
  nlohmann::ordered_json doc;
  doc["schema"] = "authctx/1";
  doc["command"] = "lab up";
  doc["dir"] = info.dir.string();
  doc["realm"] = info.realm;
  doc["kdc"] = {{"address", info.kdc_address}, {"port", info.kdc_port}, {"pid", info.kdc_pid}};
  doc["user"] = {{"name", info.user}, {"password", info.password}};
  doc["services"] = info.services;
  doc["paths"] = paths_json(info.paths());
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
    info.realm = doc.at("realm").get<std::string>();
    info.kdc_address = doc.at("kdc").at("address").get<std::string>();
    info.kdc_port = doc.at("kdc").at("port").get<std::uint16_t>();
    info.kdc_pid = doc.at("kdc").at("pid").get<pid_t>();
    info.user = doc.at("user").at("name").get<std::string>();
    info.password = doc.at("user").at("password").get<std::string>();
    info.services = doc.at("services").get<std::vector<std::string>>();
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
