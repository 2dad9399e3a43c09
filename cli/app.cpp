#include "cli/app.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "engine/trace.hpp"
#include "gss/status.hpp"
#include "report/error.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::cli {
namespace {

int exit_for(util::ErrorKind kind) {
  switch (kind) {
    case util::ErrorKind::usage: return k_exit_usage;
    case util::ErrorKind::transport: return k_exit_transport;
    case util::ErrorKind::decode: return k_exit_undecodable;
    case util::ErrorKind::setup: return k_exit_setup;
  }
  return k_exit_setup;
}

// The error document and the one sentence on stderr that every non-zero exit writes.
int report_error(App& shared, const report::ErrorReport& error, int code) {
  json::Json doc{{"schema", "authctx/1"},
                 {"command", shared.command.empty() ? "authctx" : shared.command},
                 {"established", false}};
  doc["error"] = report::error_json(error);
  try {
    write_document(shared.globals, doc);
  } catch (const std::exception&) {
    // The output itself may be what failed (unwritable --output): stderr still speaks.
  }
  std::cerr << "authctx: " << error.message;
  if (!error.hint.empty()) std::cerr << " (" << error.hint << ")";
  std::cerr << "\n";
  return code;
}

report::ErrorReport plain_error(std::string stage, std::string cls, std::string message, std::string hint) {
  report::ErrorReport r;
  r.stage = std::move(stage);
  r.cls = std::move(cls);
  r.message = std::move(message);
  r.hint = std::move(hint);
  return r;
}

std::string version_text() {
  std::string text = "authctx " AUTHCTX_VERSION "\n";
  text += "MIT Kerberos " AUTHCTX_KRB5_VERSION " (GSS-API)\n";
  text += "CLI11 " CLI11_VERSION "\n";
  text += "nlohmann-json " + std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
          std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH) + "\n";
  return text;
}
}  // namespace

int run_guarded(App& shared, const std::function<int()>& fn) {
  try {
    return fn();
  } catch (const util::Error& e) {
    return report_error(shared, report::error_report(e), exit_for(e.kind()));
  } catch (const util::FileError& e) {
    return report_error(shared, plain_error("setup", "file_unreadable", e.what(), "check the path and its permissions"),
                        k_exit_setup);
  } catch (const gss::GssError& e) {
    report::ErrorReport r;
    r.stage = e.stage();
    r.gss = e;
    r.cls = "gss_failure";
    r.message = e.stage_and_text();
    return report_error(shared, r, k_exit_auth_failed);
  } catch (const std::exception& e) {
    return report_error(shared,
                        plain_error("internal", "internal_error", std::string("internal error: ") + e.what(),
                                    "please report this with the command line that caused it"),
                        k_exit_setup);
  }
}

int run_app(int argc, char** argv) {
  App shared;
  CLI::App app{"authctx: see inside GSS-API authentication handshakes (Kerberos, SPNEGO, NTLM)", "authctx"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();

  static const std::map<std::string, Format> k_formats{
      {"auto", Format::automatic}, {"json", Format::json}, {"jsonl", Format::jsonl}, {"text", Format::text}};
  app.add_option("--format", shared.globals.format,
                 "Output format: auto (text on a terminal, json otherwise), json, jsonl, text")
      ->transform(CLI::CheckedTransformer(k_formats))
      ->option_text("auto|json|jsonl|text");
  app.add_option("--output", shared.globals.output, "Write the output to FILE (mode 0600) instead of stdout")
      ->option_text("FILE");
  app.add_flag("--trace", shared.globals.trace, "Include the Kerberos library's trace lines as events");
  app.add_flag("--show-secrets", shared.globals.show_secrets,
               "Show session-key bytes and NTLM response material (redacted by default)");
  static const std::map<std::string, Color> k_colors{
      {"auto", Color::automatic}, {"always", Color::always}, {"never", Color::never}};
  app.add_option("--color", shared.globals.color,
                 "Colour in the text view: auto (on a terminal unless NO_COLOR is set), always, never")
      ->transform(CLI::CheckedTransformer(k_colors))
      ->option_text("auto|always|never");
  app.add_flag("--verbose", shared.globals.verbose, "Text view: show every leg's full decoded tree");

  setup_local(app, shared);
  setup_client(app, shared);
  setup_server(app, shared);
  setup_replay(app, shared);
  setup_lab(app, shared);
  setup_mechs(app, shared);
  setup_decode(app, shared);
  setup_doctor(app, shared);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    for (const auto* sub : app.get_subcommands()) shared.command = sub->get_name();
    return report_error(shared, plain_error("usage", "usage", e.what(), "see `authctx --help`"), k_exit_usage);
  }
  if (!shared.action)
    return report_error(shared, plain_error("usage", "usage", "no command given", "see `authctx --help`"),
                        k_exit_usage);
  // Before the first GSS-API call: the Kerberos library reads KRB5_TRACE when it makes a context.
  if (shared.globals.trace) engine::TraceCapture::start();
  return run_guarded(shared, shared.action);
}

}  // namespace authctx::cli
