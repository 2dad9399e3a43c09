// `authctx doctor`: checks of the local Kerberos / GSS-API set-up (src/doctor) as one JSON
// document; exit 0 when no check failed, 1 otherwise.
#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "doctor/doctor.hpp"

namespace authctx::cli {
namespace {

struct DoctorArgs {
  doctor::DoctorOptions options;
};

int run_doctor(const GlobalOptions& globals, const DoctorArgs& args) {
  const auto report = doctor::run_doctor(args.options);
  write_document(globals, doctor::to_json(report));
  return report.failed() ? k_exit_auth_failed : k_exit_ok;
}
}  // namespace

void setup_doctor(CLI::App& app, App& shared) {
  static const std::map<std::string, gss::TargetType> k_target_types{{"service", gss::TargetType::hostbased},
                                                                     {"hostbased", gss::TargetType::hostbased},
                                                                     {"principal", gss::TargetType::principal},
                                                                     {"user", gss::TargetType::user}};
  auto args = std::make_shared<DoctorArgs>();
  auto* cmd = app.add_subcommand("doctor",
                                 "Check the local Kerberos / GSS-API set-up (config, KDCs, ccache, "
                                 "clock, target, keytab, mechanisms)");
  cmd->add_option("--target", args->options.target,
                  "Also check this service: service@host (host-based) unless --target-type says otherwise");
  cmd->add_option("--target-type", args->options.target_type, "How --target is read: hostbased, principal or user")
      ->transform(CLI::CheckedTransformer(k_target_types))
      ->option_text("hostbased|principal|user");
  cmd->add_option("--keytab", args->options.keytab, "Keytab to check (default: KRB5_KTNAME or the library default)")
      ->option_text("KT");
  cmd->add_option("--ccache", args->options.ccache,
                  "Credential cache to check (default: KRB5CCNAME or the library default)")
      ->option_text("NAME");
  cmd->callback([&shared, args] {
    shared.command = "doctor";
    shared.action = [&shared, args] { return run_doctor(shared.globals, *args); };
  });
}

}  // namespace authctx::cli
