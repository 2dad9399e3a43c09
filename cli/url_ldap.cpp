// `client --url ldap://|ldaps://`: the LDAP SASL bind's options and its run (url_schemes.hpp).
//   --starttls   --sasl-layer none|integrity|confidentiality (default: confidentiality; none
//   over TLS)   --sasl-maxbuf N (default 65536)   --authzid ID
// The mechanism is GSSAPI for --mech krb5 (the default with an LDAP URL) and GSS-SPNEGO for
// --mech spnego; the target defaults to ldap@HOST. The layer also sets the GSS-API flags
// requested: integrity adds integ, confidentiality integ and conf. The load options make it
// a load run of binds, a connection each (run/ldap_client.hpp).
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/transport_options.hpp"
#include "cli/url_schemes.hpp"
#include "gss/oid.hpp"
#include "ldap/messages.hpp"
#include "ldap/url.hpp"
#include "run/ldap_client.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

ldap::ChannelOptions ldap_options(const UrlArgs& a, const NetworkArgs& network, const gss::Oid& mech) {
  ldap::ChannelOptions o;
  o.url = ldap::parse_url(a.url);
  for (const auto& r : a.resolve) o.resolve.push_back(ldap::parse_resolve(r));
  if (a.starttls && o.url.tls())
    throw util::usage_error("--starttls is for ldap:// URLs: ldaps:// is TLS from the start");
  o.starttls = a.starttls;
  o.ca_file = a.cacert;
  o.insecure = a.insecure;
  if ((!a.cacert.empty() || a.insecure) && !o.url.tls() && !a.starttls)
    throw util::usage_error("--cacert and --insecure need TLS: use ldaps:// or --starttls");
  if (mech == gss::krb5_oid())
    o.mechanism = "GSSAPI";
  else if (mech == gss::spnego_oid())
    o.mechanism = "GSS-SPNEGO";
  else
    throw util::usage_error("an LDAP bind takes --mech krb5 (SASL GSSAPI) or --mech spnego (SASL GSS-SPNEGO)");
  const bool tls = o.url.tls() || o.starttls;
  if (a.sasl_layer.empty()) {
    // Inside TLS the layer would protect twice, and Active Directory refuses sign or seal there.
    o.layer = tls ? ldap::SaslLayer::none : ldap::SaslLayer::confidentiality;
  } else {
    o.layer = *ldap::sasl_layer_from_name(a.sasl_layer);
  }
  o.max_buffer = a.sasl_maxbuf;
  o.authzid = a.authzid;
  o.timeout = network.timeout();
  o.max_message = network.max_token_size;
  return o;
}

}  // namespace

void add_ldap_url_options(CLI::App* cmd, UrlArgs& a, const std::string& g) {
  const auto ldap_only = [&a](CLI::Option* opt) { a.scheme_options.emplace_back(opt, "ldap"); };
  ldap_only(cmd->add_flag("--starttls", a.starttls, "ldap://: upgrade to TLS with StartTLS before binding")->group(g));
  ldap_only(cmd->add_option("--sasl-layer", a.sasl_layer,
                            "LDAP: GSSAPI security layer to choose: none, integrity or confidentiality (default: "
                            "confidentiality; none over TLS)")
                ->check(CLI::IsMember({"none", "integrity", "confidentiality"}))
                ->option_text("none|integrity|confidentiality")
                ->group(g));
  ldap_only(cmd->add_option("--sasl-maxbuf", a.sasl_maxbuf,
                            "LDAP: largest SASL buffer the client accepts, 0-16777215 (RFC 4752; default 65536)")
                ->check(CLI::Range(std::uint32_t{0}, std::uint32_t{0xffffff}))
                ->option_text("BYTES")
                ->group(g));
  ldap_only(cmd->add_option("--authzid", a.authzid,
                            "LDAP: authorization identity to ask for in the GSSAPI layer message (u:NAME, dn:DN)")
                ->option_text("ID")
                ->group(g));
}

int run_ldap_url(const UrlArgs& a, const InitiatorArgs& initiator_args, const NetworkArgs& network,
                 const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                 PolicyRun& policy) {
  auto init_args = initiator_args;
  // GSSAPI is LDAP's SASL Kerberos mechanism (RFC 4752): the default unless --mech says otherwise.
  if (a.mech_option == nullptr || a.mech_option->count() == 0) init_args.mech = "krb5";
  auto init = to_initiator_options(init_args);
  const auto options = ldap_options(a, network, init.mech);
  if (a.target_option == nullptr || a.target_option->count() == 0) {
    init.target = "ldap@" + options.url.host;
    init.target_type = gss::TargetType::hostbased;
  }
  // RFC 4752 §3.1: the layer needs integrity (and confidentiality) from the context; for
  // GSS-SPNEGO these flags are what a Microsoft server signs or seals by.
  if (options.layer != ldap::SaslLayer::none) init.req_flags |= GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG;
  if (options.layer == ldap::SaslLayer::confidentiality) init.req_flags |= GSS_C_CONF_FLAG;
  // GSS-SPNEGO servers sign or seal by the flags the AP-REQ asserts, and MIT asserts integ and
  // conf unless told otherwise: assert only what the layer asks for (as Cyrus SASL does).
  if (options.mechanism == ldap::k_mech_gss_spnego) init.suppress_ci_flags = true;
  engine::SessionOptions session;
  session.messages = 0;  // the LDAP phase (root DSE search, WhoAmI) is the proof
  session.show_secrets = globals.show_secrets;
  auto out = open_output(globals);
  auto sink = policy.wrap(with_recording(make_sink(globals, *out, "client"), record));
  if (load) {  // as every load run: the first failed run's code, else 0
    const auto outcome = run::run_ldap_load(options, *load, init, session, *sink);
    if (outcome.first_error) return error_exit_code(*outcome.first_error, true);
    return policy.exit_code(outcome.all_established ? k_exit_ok : k_exit_auth_failed);
  }
  return policy.exit_code(handshake_exit_code(run::run_ldap_client(options, init, session, *sink)));
}

}  // namespace authctx::cli
