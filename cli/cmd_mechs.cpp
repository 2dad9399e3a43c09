// `authctx mechs`: the mechanisms the GSS-API library offers, as JSON.
#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "gss/mechs.hpp"

namespace authctx::cli {
namespace {
int run_mechs(const GlobalOptions& globals) {
  nlohmann::ordered_json doc{{"schema", "authctx/1"}, {"command", "mechs"}};
  auto list = nlohmann::ordered_json::array();
  for (const auto& m : gss::available_mechs()) {
    nlohmann::ordered_json j{{"name", m.name}, {"oid", m.oid.dotted()}};
    j["sasl_name"] = m.sasl_name ? nlohmann::ordered_json(*m.sasl_name) : nlohmann::ordered_json(nullptr);
    j["library_name"] = m.mech_name ? nlohmann::ordered_json(*m.mech_name) : nlohmann::ordered_json(nullptr);
    j["description"] = m.description ? nlohmann::ordered_json(*m.description) : nlohmann::ordered_json(nullptr);
    j["initiator_credentials"] = m.initiator_credentials;
    if (!m.initiator_credentials) j["credentials_error"] = m.credentials_error;
    list.push_back(std::move(j));
  }
  doc["mechs"] = list;
  write_document(globals, doc);
  return k_exit_ok;
}
}  // namespace

void setup_mechs(CLI::App& app, App& shared) {
  auto* cmd = app.add_subcommand("mechs", "List the mechanisms the GSS-API library offers");
  cmd->callback([&shared] {
    shared.command = "mechs";
    shared.action = [&shared] { return run_mechs(shared.globals); };
  });
}

}  // namespace authctx::cli
