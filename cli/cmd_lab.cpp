// `authctx lab up|down|env|exec|demo`: a throwaway Kerberos realm on loopback, MIT's KDC or
// (--kdc samba) an Active Directory domain controller; `lab ad ...` is in cmd_lab_ad.cpp.
// The work lives in src/lab (authctx::lab); this file only declares options, prints results
// and picks exit codes. Set-up failures arrive as util::setup_error and leave through
// run_guarded as exit 5 with an error document and one sentence on stderr.
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "lab/exec.hpp"
#include "lab/lab.hpp"
#include "lab/ports.hpp"
#include "util/errors.hpp"
#include "util/process.hpp"

namespace authctx::cli {
namespace {

struct LabOptions {
  std::string dir;
  std::optional<std::uint16_t> port;
  lab::Flavour kdc = lab::Flavour::mit;
  std::string address;
  std::string mech = "spnego";
  bool without_krb5 = false;
  std::vector<std::string> command;
};

lab::UpOptions up_options(const LabOptions& o) {
  if (o.kdc == lab::Flavour::samba && o.port)
    throw util::usage_error("--port applies to --kdc mit only: a Samba DC serves Kerberos on port 88.",
                            "Use --address to choose the domain controller's loopback address.");
  if (o.kdc == lab::Flavour::mit && !o.address.empty())
    throw util::usage_error("--address applies to --kdc samba only.", "Use --port to choose the MIT KDC's port.");
  if (!o.address.empty() && o.address.rfind("127.", 0) != 0)
    throw util::usage_error("--address must be a loopback address (127.x.y.z): the lab stays on loopback.");
  return lab::UpOptions{o.dir, o.port, o.kdc, o.address};
}

// --kdc mit|samba, on `lab up`, `lab exec` and `lab demo`.
void add_kdc_option(CLI::App* cmd, LabOptions& o) {
  const std::map<std::string, lab::Flavour> kdcs{{"mit", lab::Flavour::mit}, {"samba", lab::Flavour::samba}};
  cmd->add_option("--kdc", o.kdc,
                  "KDC: mit (an MIT KDC, realm AUTHCTX.TEST; default) or samba (an Active Directory domain controller, "
                  "realm AD.AUTHCTX.TEST; needs root and the Samba AD DC packages)")
      ->transform(CLI::CheckedTransformer(kdcs))
      ->option_text("mit|samba");
  cmd->add_option("--address", o.address,
                  "--kdc samba: the domain controller's loopback address 127.0.0.N (default: a free one)")
      ->check(CLI::ValidIPV4)
      ->option_text("ADDRESS");
}

// The contract says `lab up` prints JSON, so `auto` means json here even on a terminal (the
// text rendering is made for handshake documents); an explicit --format is honoured.
GlobalOptions json_by_default(GlobalOptions g) {
  if (g.format == Format::automatic) g.format = Format::json;
  return g;
}

int run_lab_up(const LabOptions& o, const GlobalOptions& g) {
  const auto info = lab::up(up_options(o));
  write_document(json_by_default(g), lab::to_document(info));
  return k_exit_ok;
}

int run_lab_env(const LabOptions& o) {
  const auto info = lab::load_state(o.dir);
  std::cout << lab::env_exports(info.env()) << std::flush;
  return k_exit_ok;
}

int run_lab_down(const LabOptions& o, const GlobalOptions& g) {
  const auto flavour = lab::load_state(o.dir).flavour;
  const auto result = lab::down(o.dir);
  nlohmann::ordered_json doc{{"schema", "authctx/1"},
                             {"command", "lab down"},
                             {"flavour", lab::flavour_name(flavour)},
                             {"dir", o.dir},
                             {"kdc", {{"pid", result.kdc_pid}, {"was_running", result.kdc_was_running}}},
                             {"removed", true}};
  write_document(json_by_default(g), doc);
  return k_exit_ok;
}

// Runs argv in a fresh lab and tears the lab down afterwards, also when authctx is
// interrupted (SIGINT/SIGTERM/SIGHUP are caught, forwarded to argv, and end the run).
int run_in_fresh_lab(const LabOptions& o, const std::vector<std::string>& argv) {
  const lab::SignalGuard signals;
  lab::ScopedLab scoped(up_options(o));
  if (const int sig = signals.received()) return 128 + sig;  // interrupted while the lab came up
  const int status = lab::run_foreground(argv, util::current_environment(scoped.info().env()));
  scoped.close();
  return status;
}

int run_lab_exec(const LabOptions& o) { return run_in_fresh_lab(o, o.command); }

std::string format_name(Format f) {
  switch (f) {
    case Format::automatic: return "auto";
    case Format::json: return "json";
    case Format::jsonl: return "jsonl";
    case Format::text: return "text";
  }
  return "auto";
}

// The demo: in a fresh lab, `authctx server --once` listens on a free loopback port (its
// documents go to a log in the lab), `authctx client` authenticates alice to host@localhost
// with the user's output options (stdio inherited), and the client's status is the result.
int run_lab_demo(const LabOptions& o, const GlobalOptions& g) {
  const lab::SignalGuard signals;
  LabOptions fresh;  // always a new temporary lab
  fresh.kdc = o.kdc;
  fresh.address = o.address;
  lab::ScopedLab scoped(up_options(fresh));
  if (const int sig = signals.received()) return 128 + sig;
  const auto env = util::current_environment(scoped.info().env());
  const auto self = util::self_executable();
  const auto port = lab::pick_free_port();
  const auto address = "127.0.0.1:" + std::to_string(port);

  const pid_t server = util::spawn_background({self, "server", "--listen", address, "--once", "--format", "json"}, env,
                                              (scoped.info().dir / "demo-server.log").string());
  // Ready when the server's own socket listens; a probe connection would use up --once.
  for (int i = 0; i < 1000 && lab::port_use(port, server).tcp_listeners_of_pid == 0; ++i) {
    if (util::wait_for_exit(server, std::chrono::milliseconds(0))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::vector<std::string> argv{self, "client", "--connect", address, "--mech", o.mech, "--target", "host@localhost"};
  if (g.format != Format::automatic) argv.insert(argv.end(), {"--format", format_name(g.format)});
  if (!g.output.empty()) argv.insert(argv.end(), {"--output", g.output});
  if (g.show_secrets) argv.emplace_back("--show-secrets");
  if (g.trace) argv.emplace_back("--trace");
  auto client_env = env;
  // --without-krb5: the client has no Kerberos ticket, so SPNEGO's fallback to NTLM shows.
  if (o.without_krb5) client_env["KRB5CCNAME"] = "FILE:" + (scoped.info().dir / "no-such-ccache").string();
  const int status = lab::run_foreground(argv, client_env);
  if (!util::wait_for_exit(server, std::chrono::seconds(5))) {
    ::kill(server, SIGKILL);
    util::wait_for_exit(server, std::chrono::seconds(2));
  }
  scoped.close();
  return status;
}

}  // namespace

void setup_lab(CLI::App& app, App& shared) {
  auto* lab_cmd = app.add_subcommand(
      "lab", "A throwaway Kerberos realm on loopback: MIT (AUTHCTX.TEST) or Active Directory (AD.AUTHCTX.TEST)");
  lab_cmd->require_subcommand(1);
  auto opts = std::make_shared<LabOptions>();

  auto* up =
      lab_cmd->add_subcommand("up", "Make a realm with a KDC, user alice and host/HTTP services; print it as JSON");
  up->add_option("--dir", opts->dir, "Folder for the lab (must not exist or be empty; default: a new temporary one)")
      ->option_text("DIR");
  up->add_option("--port", opts->port, "--kdc mit: TCP/UDP port for the KDC on 127.0.0.1 (default: a free one)")
      ->check(CLI::Range(1, 65535))
      ->option_text("PORT");
  add_kdc_option(up, *opts);
  up->callback([opts, &shared] {
    shared.command = "lab up";
    shared.action = [opts, &shared] { return run_lab_up(*opts, shared.globals); };
  });

  auto* env = lab_cmd->add_subcommand("env", "Print `export VAR='value'` lines for a lab, for eval");
  env->add_option("--dir", opts->dir, "The lab's folder")->required()->option_text("DIR");
  env->callback([opts, &shared] {
    shared.command = "lab env";
    shared.action = [opts] { return run_lab_env(*opts); };
  });

  auto* down = lab_cmd->add_subcommand("down", "Stop a lab's KDC (or domain controller) and remove its folder");
  down->add_option("--dir", opts->dir, "The lab's folder")->required()->option_text("DIR");
  down->callback([opts, &shared] {
    shared.command = "lab down";
    shared.action = [opts, &shared] { return run_lab_down(*opts, shared.globals); };
  });

  auto* exec = lab_cmd->add_subcommand(
      "exec", "Run CMD in a fresh lab's environment, tear the lab down, exit with CMD's status");
  exec->add_option("--dir", opts->dir, "Folder for the lab (default: a new temporary one)")->option_text("DIR");
  add_kdc_option(exec, *opts);
  exec->add_option("command", opts->command, "The command and its arguments (after --)")
      ->required()
      ->option_text("CMD ARGS...");
  exec->callback([opts, &shared] {
    shared.command = "lab exec";
    shared.action = [opts] { return run_lab_exec(*opts); };
  });

  auto* demo = lab_cmd->add_subcommand(
      "demo", "A server and a client over TCP loopback in a fresh lab; prints the client's document");
  demo->add_option("--mech", opts->mech, "Mechanism: krb5, spnego, ntlm, iakerb or a dotted OID (default spnego)")
      ->option_text("MECH");
  demo->add_flag("--without-krb5", opts->without_krb5,
                 "Give the client no Kerberos ticket, so SPNEGO falls back to NTLM (and says why)");
  add_kdc_option(demo, *opts);
  demo->callback([opts, &shared] {
    shared.command = "lab demo";
    shared.action = [opts, &shared] { return run_lab_demo(*opts, shared.globals); };
  });

  setup_lab_ad(lab_cmd, shared);
}

}  // namespace authctx::cli
