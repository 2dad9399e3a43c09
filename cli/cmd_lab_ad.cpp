// `authctx lab ad enctypes|rekey|spn|delegation|ldap-signing`: knobs on a running Active
// Directory lab (made by `lab up --kdc samba`). The work lives in src/lab/ad_knobs.hpp; this
// file declares the options and prints each knob's before/after document.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "cli/exit_codes.hpp"
#include "lab/ad_knobs.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

struct AdOptions {
  std::string dir;
  std::string account;
  std::string enctypes;
  bool update_keytab = false;
  std::string add_spn, remove_spn;
  std::optional<bool> sensitive, trusted;
  std::string ldap_signing;
};

int print(App& shared, const std::string& dir, nlohmann::ordered_json change) {
  nlohmann::ordered_json doc{{"schema", "authctx/1"}, {"command", shared.command}, {"dir", dir}};
  for (auto& [k, v] : change.items()) doc[k] = v;
  GlobalOptions g = shared.globals;
  if (g.format == Format::automatic) g.format = Format::json;  // as `lab up`: a JSON document
  write_document(g, doc);
  return k_exit_ok;
}

void add_dir(CLI::App* cmd, AdOptions& o) {
  cmd->add_option("--dir", o.dir, "The AD lab's folder (from `lab up --kdc samba`)")->required()->option_text("DIR");
}
void add_account(CLI::App* cmd, AdOptions& o) {
  cmd->add_option("--account", o.account, "The account (sAMAccountName): alice, hostsvc, websvc, Administrator, dc1$")
      ->required()
      ->option_text("NAME");
}

// on|off for the delegation switches.
void add_switch(CLI::App* cmd, const char* name, std::optional<bool>& out, const char* help) {
  const std::map<std::string, bool> values{{"on", true}, {"off", false}};
  cmd->add_option(name, out, help)->transform(CLI::CheckedTransformer(values))->option_text("on|off");
}

}  // namespace

void setup_lab_ad(CLI::App* lab_cmd, App& shared) {
  auto* ad = lab_cmd->add_subcommand("ad", "Turn Active Directory knobs on a lab made with `lab up --kdc samba`");
  ad->require_subcommand(1);
  auto o = std::make_shared<AdOptions>();

  auto* enctypes = ad->add_subcommand(
      "enctypes", "Set an account's msDS-SupportedEncryptionTypes (none set: the DC issues RC4 service tickets)");
  add_dir(enctypes, *o);
  add_account(enctypes, *o);
  enctypes
      ->add_option("--enctypes", o->enctypes, "Comma-separated rc4, aes128, aes256 (or aes); default removes the value")
      ->required()
      ->option_text("LIST|default");
  enctypes->callback([o, &shared] {
    shared.command = "lab ad enctypes";
    shared.action = [o, &shared] {
      return print(shared, o->dir, lab::set_enctypes(o->dir, o->account, lab::parse_supported_enctypes(o->enctypes)));
    };
  });

  auto* rekey = ad->add_subcommand("rekey", "Give an account a new random password (kvno + 1); the keytab goes stale");
  add_dir(rekey, *o);
  add_account(rekey, *o);
  rekey->add_flag("--update-keytab", o->update_keytab, "Also add the new keys to the lab keytab");
  rekey->callback([o, &shared] {
    shared.command = "lab ad rekey";
    shared.action = [o, &shared] { return print(shared, o->dir, lab::rekey(o->dir, o->account, o->update_keytab)); };
  });

  auto* spn =
      ad->add_subcommand("spn", "Add an SPN to an account (even one another account holds: a duplicate) or remove it");
  add_dir(spn, *o);
  add_account(spn, *o);
  auto* add = spn->add_option("--add", o->add_spn, "The SPN to add, e.g. HTTP/localhost")->option_text("SPN");
  auto* remove = spn->add_option("--remove", o->remove_spn, "The SPN to remove")->option_text("SPN");
  add->excludes(remove);
  spn->callback([o, &shared] {
    shared.command = "lab ad spn";
    shared.action = [o, &shared] {
      if (o->add_spn.empty() == o->remove_spn.empty())
        throw util::usage_error("`lab ad spn` needs one of --add SPN or --remove SPN.");
      return print(shared, o->dir,
                   o->add_spn.empty() ? lab::remove_spn(o->dir, o->account, o->remove_spn)
                                      : lab::add_spn(o->dir, o->account, o->add_spn));
    };
  });

  auto* delegation =
      ad->add_subcommand("delegation", "Mark an account sensitive (never delegated) or trusted for delegation");
  add_dir(delegation, *o);
  add_account(delegation, *o);
  add_switch(delegation, "--sensitive", o->sensitive,
             "\"Account is sensitive and cannot be delegated\" (the DC issues it no forwardable tickets)");
  add_switch(delegation, "--trusted", o->trusted,
             "\"Trusted for delegation\" (the DC sets ok-as-delegate in tickets for the account's SPNs)");
  delegation->callback([o, &shared] {
    shared.command = "lab ad delegation";
    shared.action = [o, &shared] {
      if (!o->sensitive && !o->trusted)
        throw util::usage_error("`lab ad delegation` needs --sensitive on|off, --trusted on|off or both.");
      return print(shared, o->dir, lab::set_delegation(o->dir, o->account, o->sensitive, o->trusted));
    };
  });

  auto* signing = ad->add_subcommand("ldap-signing", "Require or relax LDAP signing (restarts the domain controller)");
  add_dir(signing, *o);
  const std::map<std::string, std::string> modes{{"require", "require"}, {"relax", "relax"}};
  signing
      ->add_option("--mode", o->ldap_signing,
                   "require: SASL binds without signing or sealing and simple binds without TLS are refused "
                   "(the default); relax: both allowed")
      ->required()
      ->transform(CLI::CheckedTransformer(modes))
      ->option_text("require|relax");
  signing->callback([o, &shared] {
    shared.command = "lab ad ldap-signing";
    shared.action = [o, &shared] {
      return print(shared, o->dir, lab::set_ldap_signing(o->dir, o->ldap_signing == "require"));
    };
  });
}

}  // namespace authctx::cli
