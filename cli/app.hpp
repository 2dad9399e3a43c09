// The command-line front end: CLI11 lives only in cli/. Each subcommand is one file with a
// plain options struct, a setup_x(CLI::App&, App&) that declares its options, and a run_x
// that does the work and returns an exit code (cli/exit_codes.hpp). setup_x stores the
// action in App::action; run_app runs it after parsing, inside run_guarded, which maps the
// typed errors of the lower layers to exit codes, an `error` JSON object and one sentence
// on stderr.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "cli/output.hpp"

namespace authctx::cli {

struct App {
  GlobalOptions globals;
  std::string command;          // the subcommand chosen, for error documents
  std::function<int()> action;  // what the chosen subcommand runs
};

void setup_local(CLI::App& app, App& shared);
void setup_lab(CLI::App& app, App& shared);
void setup_lab_ad(CLI::App* lab_cmd, App& shared);  // `lab ad ...`, under `lab`
void setup_mechs(CLI::App& app, App& shared);
void setup_decode(CLI::App& app, App& shared);
void setup_client(CLI::App& app, App& shared);
void setup_server(CLI::App& app, App& shared);
void setup_doctor(CLI::App& app, App& shared);
void setup_replay(CLI::App& app, App& shared);

// Runs fn, turning exceptions from lower layers into the contract's exit codes and an
// error document on the selected output.
int run_guarded(App& shared, const std::function<int()>& fn);

// Parses the command line and runs the chosen subcommand; returns the exit code. Every
// exception ends in run_guarded's error document, so none escapes to the real main.
int run_app(int argc, char** argv);

}  // namespace authctx::cli
