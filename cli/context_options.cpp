#include "cli/context_options.hpp"

#include <cstdio>

#include "gss/flags.hpp"
#include "gss/oid.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::cli {

void add_initiator_options(CLI::App* cmd, InitiatorArgs& a) {
  static const std::map<std::string, gss::TargetType> k_target_types{{"service", gss::TargetType::hostbased},
                                                                     {"hostbased", gss::TargetType::hostbased},
                                                                     {"principal", gss::TargetType::principal},
                                                                     {"user", gss::TargetType::user}};
  const std::string g = "Initiator";
  cmd->add_option("--target", a.target, "Target name: service@host (host-based) unless --target-type says otherwise")
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--target-type", a.target_type, "How --target is read: hostbased, principal or user")
      ->transform(CLI::CheckedTransformer(k_target_types))
      ->option_text("hostbased|principal|user")
      ->group(g);
  cmd->add_option("--mech", a.mech, "Mechanism: krb5, spnego, ntlm, iakerb or a dotted OID")
      ->check([](const std::string& s) {
        return gss::mech_from_name(s) ? std::string()
                                      : "unknown mechanism '" + s + "' (krb5, spnego, ntlm, iakerb or a dotted OID)";
      })
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--neg-mechs", a.neg_mechs, "SPNEGO only: mechanisms to offer, comma separated (e.g. krb5,ntlm)")
      ->group(g);
  cmd->add_option("--require-mech", a.require_mech,
                  "Fail (exit 1) unless this mechanism is the one negotiated, e.g. krb5 to refuse an NTLM fallback")
      ->check(
          [](const std::string& s) { return gss::mech_from_name(s) ? std::string() : "unknown mechanism '" + s + "'"; })
      ->group(g);
  cmd->add_flag("--no-mutual", a.no_mutual, "Do not request mutual authentication")->group(g);
  cmd->add_flag("--delegate", a.delegate, "Request credential delegation (GSS_C_DELEG_FLAG)")->group(g);
  cmd->add_flag("--delegate-policy", a.delegate_policy, "Delegate only if the KDC marks the service ok-as-delegate")
      ->group(g);
  cmd->add_flag("--no-replay", a.no_replay, "Do not request replay detection")->group(g);
  cmd->add_flag("--sequence", a.sequence, "Request sequence checking")->group(g);
  cmd->add_flag("--conf", a.conf, "Request confidentiality")->group(g);
  cmd->add_flag("--integ", a.integ, "Request integrity")->group(g);
  cmd->add_flag("--anon", a.anon, "Request anonymous authentication")->group(g);
  cmd->add_flag("--dce-style", a.dce_style, "Request DCE-style (3-leg) Kerberos")->group(g);
  cmd->add_option("--ccache", a.ccache, "Initiator credential cache (e.g. FILE:/tmp/cc)")->group(g);
  cmd->add_option("--client-keytab", a.client_keytab, "Get initiator credentials from this keytab")->group(g);
  cmd->add_option("--user", a.user, "Initiator user name (with a password, or to pick from the ccache/keytab)")
      ->group(g);
  cmd->add_option("--password-file", a.password_file, "Read the password from the first line of FILE")
      ->option_text("FILE")
      ->group(g);
  cmd->add_flag("--password-stdin", a.password_stdin, "Read the password from the first line of standard input")
      ->group(g);
}

void add_acceptor_options(CLI::App* cmd, AcceptorArgs& a) {
  const std::string g = "Acceptor";
  cmd->add_option("--keytab", a.keytab, "Acceptor keytab (default: KRB5_KTNAME or the system keytab)")->group(g);
  cmd->add_option("--acceptor-name", a.acceptor_name,
                  "Accept only as this name (service@host or a principal); default: any key in the keytab")
      ->group(g);
  cmd->add_option("--accept-mechs", a.accept_mechs,
                  "SPNEGO acceptor: mechanisms it negotiates, comma separated (e.g. krb5)")
      ->group(g);
}

void add_shared_channel_bindings(CLI::App* cmd, std::string& value) {
  cmd->add_option("--channel-bindings", value, "Channel bindings for both sides: TEXT, hex:HEX or file:PATH");
}

namespace {
// "krb5,ntlm" -> OIDs; SPNEGO itself cannot be negotiated inside SPNEGO.
std::vector<gss::Oid> parse_mech_list(const std::string& list, const char* option) {
  std::vector<gss::Oid> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto oid = gss::mech_from_name(name);
    if (!oid || *oid == gss::spnego_oid())
      throw util::usage_error(std::string(option) + ": unknown or unusable mechanism '" + name + "'");
    out.push_back(*oid);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}
}  // namespace

engine::InitiatorOptions to_initiator_options(const InitiatorArgs& a) {
  engine::InitiatorOptions o;
  o.target = a.target;
  o.target_type = a.target_type;
  o.mech = *gss::mech_from_name(a.mech);
  if (!a.neg_mechs.empty()) {
    if (o.mech != gss::spnego_oid()) throw util::usage_error("--neg-mechs applies only to --mech spnego");
    o.neg_mechs = parse_mech_list(a.neg_mechs, "--neg-mechs");
  }
  if (!a.require_mech.empty()) o.require_mech = gss::mech_from_name(a.require_mech);
  o.req_flags = engine::default_request_flags();
  auto set = [&o](bool on, std::uint32_t bit) {
    if (on) o.req_flags |= bit;
  };
  if (a.no_mutual) o.req_flags &= ~static_cast<std::uint32_t>(GSS_C_MUTUAL_FLAG);
  if (a.no_replay) o.req_flags &= ~static_cast<std::uint32_t>(GSS_C_REPLAY_FLAG);
  set(a.delegate, GSS_C_DELEG_FLAG);
  set(a.delegate_policy, GSS_C_DELEG_POLICY_FLAG);
  set(a.sequence, GSS_C_SEQUENCE_FLAG);
  set(a.conf, GSS_C_CONF_FLAG);
  set(a.integ, GSS_C_INTEG_FLAG);
  set(a.anon, GSS_C_ANON_FLAG);
  set(a.dce_style, GSS_C_DCE_STYLE);
  if (!a.channel_bindings.empty()) o.channel_bindings = engine::parse_channel_bindings(a.channel_bindings);
  o.ccache = a.ccache;
  o.client_keytab = a.client_keytab;
  o.user = a.user;
  if (!a.password_file.empty() && a.password_stdin)
    throw util::usage_error("give either --password-file or --password-stdin, not both");
  if ((!a.password_file.empty() || a.password_stdin) && a.user.empty())
    throw util::usage_error("a password needs --user NAME");
  if (!a.password_file.empty()) {
    try {
      o.password = util::read_password_file(a.password_file);
    } catch (const util::FileError& e) {
      throw util::setup_error("password_file_unreadable", e.what(), "check the path and its permissions");
    }
  } else if (a.password_stdin) {
    o.password = util::read_password_stream(stdin);
  }
  return o;
}

engine::AcceptorOptions to_acceptor_options(const AcceptorArgs& a) {
  engine::AcceptorOptions o;
  o.keytab = a.keytab;
  o.acceptor_name = a.acceptor_name;
  if (!a.accept_mechs.empty()) o.accept_mechs = parse_mech_list(a.accept_mechs, "--accept-mechs");
  if (!a.channel_bindings.empty()) o.channel_bindings = engine::parse_channel_bindings(a.channel_bindings);
  return o;
}

}  // namespace authctx::cli
