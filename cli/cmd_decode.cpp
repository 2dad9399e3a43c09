// `authctx decode [INPUT...]`: decodes tokens offline with src/decode; makes no GSS-API
// calls. The inputs are read as cli/decode_input.hpp says. With keys (--keytab FILE,
// --password-file FILE --principal NAME [--salt SALT], --key ENCTYPE:HEX) the Kerberos
// encrypted parts are opened with them (src/inspect, MIT krb5's crypto) and their contents
// decoded in place: the ticket, then with its session key the authenticator and the AP-REP
// of the same exchange, and delegated credentials.
// Writes {"schema", "command": "decode", ["keys"], "tokens": [{"source", "length", "form",
// "decoded"}], ["decryption"], "error"} and exits 0 when every token decoded cleanly, 4 when
// any token had diagnostics, was not recognised, or could not be read as a token, or when
// keys were given and none of them opened anything; 5 when a key file cannot be read, 2 for
// a malformed --key or principal.
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/decode_input.hpp"
#include "cli/exit_codes.hpp"
#include "decode/decode.hpp"
#include "decode/input.hpp"
#include "inspect/key_decryptor.hpp"
#include "inspect/keys.hpp"
#include "krb5/handles.hpp"
#include "report/decoded_json.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

struct DecodeOptions {
  std::vector<std::string> inputs;
  decode::InputForm form = decode::InputForm::automatic;
  std::vector<std::string> keytabs;
  std::string password_file;
  std::string principal;
  std::string salt;  // empty: the one --principal implies
  std::string key;
  bool any_key() const { return !keytabs.empty() || !password_file.empty() || !key.empty(); }
};

// The keys given, loaded. KeySet throws util::Error: setup (a key file that cannot be
// read: exit 5) or usage (a malformed --key or principal: exit 2).
void load_keys(inspect::KeySet& keys, const DecodeOptions& opts) {
  for (const auto& keytab : opts.keytabs) keys.add_keytab(keytab);
  if (!opts.password_file.empty()) {
    keys.add_password_file(opts.password_file, opts.principal,
                           opts.salt.empty() ? std::nullopt : std::optional<std::string>(opts.salt));
  }
  if (!opts.key.empty()) keys.add_key_spec(opts.key);
}

int run_decode(const DecodeOptions& opts, const GlobalOptions& globals) {
  const std::vector<FoundToken> found = collect_tokens(opts.inputs, opts.form);

  decode::Options dopts;
  dopts.show_secrets = globals.show_secrets;
  // Keys: one krb5 context (for the default realm and the crypto), one KeySet, and one
  // decryptor for every token, so a session key found in one leg opens the next.
  std::unique_ptr<krb5::Context> krb;
  std::unique_ptr<inspect::KeySet> keys;
  std::unique_ptr<inspect::KeyDecryptor> decryptor;
  if (opts.any_key()) {
    krb = std::make_unique<krb5::Context>();
    if (krb->init_error() != 0) {
      throw util::setup_error("krb5_config", "cannot initialise MIT krb5: " + krb->message(krb->init_error()),
                              "check KRB5_CONFIG");
    }
    keys = std::make_unique<inspect::KeySet>(*krb);
    load_keys(*keys, opts);
    decryptor = std::make_unique<inspect::KeyDecryptor>(*krb, *keys);
    dopts.decryptor = decryptor.get();
  }

  nlohmann::ordered_json doc{{"schema", "authctx/1"}, {"command", "decode"}};
  if (keys) doc["keys"] = report::to_json(keys->describe());
  auto tokens = nlohmann::ordered_json::array();
  std::size_t bad = 0;
  for (const auto& f : found) {
    nlohmann::ordered_json entry{{"source", f.source}, {"length", f.bytes.size()}};
    if (!f.error.empty()) {
      entry["form"] = nullptr;
      entry["decoded"] = nullptr;
      entry["error"] = f.error;
      ++bad;
    } else {
      entry["form"] = f.form;
      const auto tree = decode::decode_token(f.bytes, dopts);
      if (decode::has_diagnostics(tree) || tree["type"].as_string() == "unknown") ++bad;
      entry["decoded"] = report::to_json(tree);
    }
    tokens.push_back(std::move(entry));
  }
  doc["tokens"] = std::move(tokens);
  if (decryptor) doc["decryption"] = report::to_json(decryptor->summary());

  std::string message;
  std::string cls = "undecodable";
  std::string hint;
  if (found.empty()) {
    message = "no token found in the input";
    hint = "give a token, a file of tokens or - for stdin";
  } else if (bad > 0) {
    message = std::to_string(bad) + " of " + std::to_string(found.size()) +
              (found.size() == 1 ? " token was" : " tokens were") + " not fully decodable";
    hint = "see each token's diagnostics, reason or error";
  } else if (decryptor && !decryptor->outcomes().empty() && decryptor->opened() == 0) {
    // Keys were given for parts they cannot open: name the key the first part needs.
    message = decryptor->outcomes().front().message;
    cls = "undecryptable";
    hint =
        "give the service's current keytab or password (klist -kte FILE lists a keytab's principals, kvnos and "
        "enctypes)";
  }
  if (message.empty()) {
    doc["error"] = nullptr;
    write_document(globals, doc);
    return k_exit_ok;
  }
  doc["error"] = {{"stage", "decode"},  {"major", nullptr}, {"minor", nullptr},
                  {"message", message}, {"class", cls},     {"hint", hint}};
  write_document(globals, doc);
  std::cerr << "authctx: " << message << "\n";
  return k_exit_undecodable;
}

}  // namespace

void setup_decode(CLI::App& app, App& shared) {
  auto opts = std::make_shared<DecodeOptions>();
  auto* cmd =
      app.add_subcommand("decode", "Decode GSS-API, SPNEGO, Kerberos and NTLM tokens offline (no GSS-API calls)");
  cmd->add_option("INPUT", opts->inputs,
                  "A file of tokens (one per line, or one binary token), - for stdin, or a token itself; "
                  "default stdin");
  static const std::map<std::string, decode::InputForm> k_forms{{"auto", decode::InputForm::automatic},
                                                                {"raw", decode::InputForm::raw},
                                                                {"base64", decode::InputForm::base64},
                                                                {"hex", decode::InputForm::hex},
                                                                {"header", decode::InputForm::header}};
  cmd->add_option("--in", opts->form,
                  "Input form: auto (default), raw, base64, hex, header (Negotiate/NTLM HTTP header)")
      ->transform(CLI::CheckedTransformer(k_forms))
      ->option_text("auto|raw|base64|hex|header");
  const char* keys_group = "Keys (open Kerberos tickets, authenticators, AP-REPs and delegated credentials)";
  cmd->add_option("--keytab", opts->keytabs,
                  "Decrypt with the keys in this keytab (a service's keytab opens its tickets); may be repeated")
      ->allow_extra_args(false)  // one FILE per --keytab; the rest are INPUTs
      ->option_text("FILE")
      ->group(keys_group);
  auto* password = cmd->add_option("--password-file", opts->password_file,
                                   "Decrypt with keys derived from the password on the first line of FILE")
                       ->option_text("FILE")
                       ->group(keys_group);
  auto* principal = cmd->add_option("--principal", opts->principal,
                                    "The account the password belongs to (its salt; in AD the account, not the SPN)")
                        ->option_text("NAME")
                        ->group(keys_group);
  cmd->add_option("--salt", opts->salt, "Use this salt instead of the one --principal implies")
      ->option_text("SALT")
      ->group(keys_group)
      ->needs(password);
  password->needs(principal);
  principal->needs(password);
  cmd->add_option("--key", opts->key,
                  "Decrypt with this key, e.g. aes256-cts-hmac-sha1-96:HEX (visible to other local users: prefer a "
                  "keytab)")
      ->option_text("ENCTYPE:HEX")
      ->group(keys_group);
  cmd->callback([&shared, opts] {
    shared.command = "decode";
    shared.action = [&shared, opts] { return run_decode(*opts, shared.globals); };
  });
}

}  // namespace authctx::cli
