#include "report/ad_diagnostics.hpp"

#include <arpa/inet.h>
#include <krb5/krb5.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "gss/flags.hpp"
#include "report/classify.hpp"
#include "util/files.hpp"

namespace authctx::report::ad {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// userAccountControl bits ([MS-ADTS] 2.2.16).
// TRUSTED_FOR_DELEGATION is 0x80000 (not consulted: unconstrained delegation needs no advice here).
constexpr std::uint32_t k_not_delegated = 0x100000;

struct Account {
  std::string name;
  std::vector<std::string> spns;
  std::uint32_t uac = 0;
};

// What is known about the domain behind this handshake.
struct Domain {
  bool active_directory = false;
  std::string lab_dir;  // an authctx AD lab whose krb5.conf is in use
  std::vector<Account> accounts;

  std::vector<const Account*> holders(const std::string& spn) const {
    std::vector<const Account*> out;
    for (const auto& a : accounts)
      for (const auto& s : a.spns)
        if (lower(s) == lower(spn)) out.push_back(&a);
    return out;
  }
  const Account* account(const std::string& principal) const {
    const std::string name = lower(principal.substr(0, principal.find('@')));
    for (const auto& a : accounts)
      if (lower(a.name) == name) return &a;
    return nullptr;
  }
  std::string lab_command(const std::string& args) const {
    return "`authctx lab ad " + args + " --dir " + lab_dir + "`";
  }
};

bool full_pac(const std::vector<gss::NameAttribute>& attributes) {
  return std::any_of(attributes.begin(), attributes.end(),
                     [](const gss::NameAttribute& a) { return a.name == "urn:mspac:logon-info"; });
}

// lab.json beside $KRB5_CONFIG, when it is an authctx AD lab's (state.hpp in src/lab writes it).
void learn_from_lab(Domain& d) {
  const char* conf = std::getenv("KRB5_CONFIG");
  if (conf == nullptr || *conf == '\0') return;
  const std::filesystem::path state = std::filesystem::path(conf).parent_path() / "lab.json";
  std::string text;
  try {
    text = util::read_file(state, 1u << 20);
  } catch (const std::exception&) {
    return;
  }
  // The file is ours but may be damaged or hand-edited: any surprise means "no lab".
  try {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("schema", "") != "authctx/lab-state/1" ||
        doc.value("flavour", "") != "samba" || !doc.contains("accounts") || !doc["accounts"].is_array())
      return;
    Domain lab;
    lab.active_directory = true;
    lab.lab_dir = doc.value("dir", std::string());
    for (const auto& a : doc["accounts"]) {
      if (!a.is_object()) continue;
      Account account;
      account.name = a.value("name", std::string());
      if (a.contains("spns") && a["spns"].is_array())
        for (const auto& s : a["spns"])
          if (s.is_string()) account.spns.push_back(s.get<std::string>());
      account.uac = a.value("user_account_control", 0u);
      lab.accounts.push_back(account);
    }
    d = std::move(lab);
  } catch (const std::exception&) {}
}

Domain learn(const Document* doc) {
  Domain d;
  learn_from_lab(d);
  if (doc != nullptr && doc->acceptor && full_pac(doc->acceptor->info.name_attributes)) d.active_directory = true;
  return d;
}

// The SPN a host-based target asks for ("HTTP@host" -> "HTTP/host"), or a principal's name
// without its realm.
std::string target_spn(const Document* doc) {
  if (doc == nullptr || doc->target.empty()) return {};
  const std::string& t = doc->target;
  if (t.find('/') != std::string::npos) return t.substr(0, t.find('@'));
  const auto at = t.find('@');
  return at == std::string::npos ? t + "/localhost" : t.substr(0, at) + "/" + t.substr(at + 1);
}

// The address a host part names ("10.1.2.3", "[::1]" -> "::1"), or "" for a name.
std::string ip_address(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned char buf[16];
  const bool ip = ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
  return ip ? host : std::string();
}

struct Ticket {
  std::string sname, realm;
  std::int64_t etype = 0;
  std::int64_t kvno = -1;
};

const decode::Value* find_type(const decode::Value& v, std::string_view type, int depth = 0) {
  if (depth > 16 || !v.is_object()) return nullptr;
  if (v["type"].as_string() == type) return &v;
  for (const auto& m : v.members())
    if (const auto* f = find_type(m.value, type, depth + 1)) return f;
  return nullptr;
}

// The ticket of the first AP-REQ the initiator sent (its enc-part header is clear text).
std::optional<Ticket> first_ticket(const Document& doc) {
  for (const auto& leg : doc.legs) {
    if (leg.direction != Direction::initiator_to_acceptor || !leg.decoded) continue;
    const auto* ap = find_type(*leg.decoded, "krb5.ap_req");
    if (ap == nullptr) continue;
    const auto& t = (*ap)["ticket"];
    Ticket out;
    out.sname = t["sname"].as_string();
    out.realm = t["realm"].as_string();
    out.etype = t["enc_part"]["etype"]["id"].as_int();
    out.kvno = t["enc_part"]["kvno"].as_int(-1);
    return out;
  }
  return std::nullopt;
}

std::string names(const std::vector<const Account*>& accounts) {
  std::string out;
  for (const auto* a : accounts) out += (out.empty() ? "" : ", ") + a->name;
  return out;
}

Warning rc4_warning(const Domain& d, const Document& doc, const Ticket& t) {
  Warning w;
  w.cls = "rc4_service_ticket";
  w.message = "the service ticket for " + t.sname + "@" + t.realm + " is encrypted with " +
              gss::enctype_name(static_cast<std::int32_t>(t.etype)) +
              (t.kvno >= 0 ? " (kvno " + std::to_string(t.kvno) + ")" : std::string());
  const auto* view = doc.acceptor ? &*doc.acceptor : doc.initiator ? &*doc.initiator : nullptr;
  if (view != nullptr && view->info.session_key && view->info.session_key->enctype &&
      *view->info.session_key->enctype != t.etype)
    w.message += ", although the session key is " + gss::enctype_name(*view->info.session_key->enctype);
  const auto holders = d.holders(t.sname);
  if (holders.size() == 1) {
    const std::string& account = holders.front()->name;
    w.hint = "the domain controller encrypts tickets for " + account + " (which holds " + t.sname +
             ") with RC4 because the account's msDS-SupportedEncryptionTypes does not allow AES: set it to AES with " +
             d.lab_command("enctypes --account " + account + " --enctypes aes") + " (on a Windows DC: `Set-ADUser " +
             account +
             " -KerberosEncryptionType AES128,AES256`), then make sure "
             "the service's keytab has AES keys (RC4 is deprecated, RFC 8429)";
    return w;
  }
  w.hint = "RC4 is deprecated (RFC 8429). In Active Directory the account that holds " + t.sname + " (`setspn -Q " +
           t.sname +
           "` finds it) has no AES in msDS-SupportedEncryptionTypes, so the DC encrypts "
           "its tickets with RC4: set it to AES (`Set-ADUser ACCOUNT -KerberosEncryptionType AES128,AES256`, the value "
           "24) and re-export the keytab with AES keys";
  if (!d.active_directory)
    w.hint +=
        "; on an MIT KDC give the principal AES keys (`kadmin cpw -randkey -e aes256-cts:normal " + t.sname + "`)";
  return w;
}

void refine_delegation(const Domain& d, const Document& doc, Warning& w) {
  if (has(w.message, "not forwardable")) {
    const std::string client =
        doc.initiator && doc.initiator->info.source_name ? doc.initiator->info.source_name->text : std::string();
    const Account* a = d.account(client);
    if (a != nullptr && (a->uac & k_not_delegated) != 0) {
      w.hint = a->name +
               " is marked \"Account is sensitive and cannot be delegated\" (NOT_DELEGATED): the domain "
               "controller never issues it forwardable tickets, so nothing can be delegated; clear the flag with " +
               d.lab_command("delegation --account " + a->name + " --sensitive off") +
               " (in AD: the account's options, or `Set-ADUser " + a->name +
               " -AccountNotDelegated $false`) and get "
               "a new TGT";
    } else if (d.active_directory) {
      w.hint +=
          "; in Active Directory an account marked \"Account is sensitive and cannot be delegated\" or a member "
          "of Protected Users never gets forwardable tickets: check the user's account options";
    }
    return;
  }
  if (has(w.message, "ok-as-delegate")) {
    const auto holders = doc.initiator && doc.initiator->info.target_name
                             ? d.holders(doc.initiator->info.target_name->text.substr(
                                   0, doc.initiator->info.target_name->text.find('@')))
                             : std::vector<const Account*>{};
    if (holders.size() == 1) {
      w.hint = "the domain controller sets ok-as-delegate only for accounts trusted for delegation: mark " +
               holders.front()->name + " with " +
               d.lab_command("delegation --account " + holders.front()->name + " --trusted on") +
               " (in AD: \"Trust this user for delegation\", TRUSTED_FOR_DELEGATION), or use --delegate without "
               "--delegate-policy";
    } else if (d.active_directory) {
      w.hint +=
          "; in Active Directory the account holding the service's SPN needs \"Trust this user for "
          "delegation\" (TRUSTED_FOR_DELEGATION)";
    }
  }
}

// Why the KDC may not know a service: an address where a name was needed, or a duplicate.
std::optional<std::string> principal_unknown_hint(const Domain& d, const Document* doc) {
  const std::string spn = target_spn(doc);
  if (spn.empty()) return std::nullopt;
  const auto slash = spn.find('/');
  const std::string host = slash == std::string::npos ? std::string() : spn.substr(slash + 1);
  if (const auto address = ip_address(host); !address.empty())
    return "the target names an IP address (" + address + "), so the KDC is asked for " + spn +
           ", and a domain controller registers services by host name: target the host name that the service's "
           "SPN names (e.g. " +
           spn.substr(0, slash) +
           "@host.example.com; `setspn -L ACCOUNT` lists an account's "
           "SPNs) and reach it by address with --resolve HOST:PORT:ADDRESS";
  const auto holders = d.holders(spn);
  if (holders.size() >= 2)
    return spn + " is registered on " + std::to_string(holders.size()) + " accounts (" + names(holders) +
           "): a duplicate SPN, for which the domain controller issues no ticket; remove the extra one with " +
           d.lab_command("spn --account " + holders.back()->name + " --remove " + spn) + " (in AD: `setspn -D " + spn +
           " " + holders.back()->name + "`; `setspn -X` lists every duplicate SPN)";
  return std::nullopt;
}

}  // namespace

void refine_warnings(const Document& doc, std::vector<Warning>& warnings) {
  const Domain d = learn(&doc);
  // GSS_C_DELEG_POLICY_FLAG alone delegates only to a service the KDC marks ok-as-delegate
  // (RFC 4120 §2.8; in AD: an account trusted for delegation); say so when it did not.
  if (doc.initiator && doc.initiator->requested_flags && doc.initiator->info.ticket_flags) {
    const auto requested = *doc.initiator->requested_flags;
    const bool by_policy = (requested & GSS_C_DELEG_POLICY_FLAG) != 0 && (requested & GSS_C_DELEG_FLAG) == 0;
    const bool ok_as_delegate = (*doc.initiator->info.ticket_flags & TKT_FLG_OK_AS_DELEGATE) != 0;
    const bool listed = std::any_of(warnings.begin(), warnings.end(),
                                    [](const Warning& w) { return w.cls == "delegation_not_granted"; });
    if (by_policy && !ok_as_delegate && (doc.initiator->info.flags & GSS_C_DELEG_FLAG) == 0 && !listed)
      warnings.push_back({"delegation_not_granted",
                          "delegation was requested by policy but the KDC does not mark the service ok-as-delegate",
                          "mark the service trusted for delegation (`kadmin modprinc +ok_as_delegate service/host`) "
                          "or use --delegate without --delegate-policy"});
  }
  for (auto& w : warnings) {
    if (w.cls == "delegation_not_granted") refine_delegation(d, doc, w);
    // negotiation.cpp says it as "the target has no principal in the KDC".
    if (w.cls == "ntlm_fallback" &&
        (has(w.message, "service_principal_unknown") || has(w.message, "no principal in the KDC")))
      if (const auto why = principal_unknown_hint(d, &doc)) w.hint = *why;
  }
  if (const auto t = first_ticket(doc); t && (t->etype == ENCTYPE_ARCFOUR_HMAC || t->etype == ENCTYPE_ARCFOUR_HMAC_EXP))
    warnings.push_back(rc4_warning(d, doc, *t));
}

void refine_error(ErrorReport& report, const Document* doc) {
  if (!report.gss) return;
  const Domain d = learn(doc);
  if (report.cls == "service_principal_unknown") {
    if (const auto why = principal_unknown_hint(d, doc))
      report.hint = *why;
    else
      report.hint +=
          "; in Active Directory the SPN may also be on two accounts, and a DC issues no ticket for a "
          "duplicate: `setspn -Q SPN` lists its accounts, `setspn -X` every duplicate";
    return;
  }
  const auto& text = report.gss->minor_text();
  const auto minor = static_cast<krb5_error_code>(report.gss->minor());
  const bool cannot_decrypt = minor == KRB5KRB_AP_ERR_BAD_INTEGRITY || minor == KRB5KRB_AP_ERR_MODIFIED ||
                              has(text, "cannot decrypt ticket") || has(text, "integrity check failed");
  const auto mech = doc != nullptr ? mech_from_legs(*doc) : std::nullopt;
  if (report.side == Side::acceptor && cannot_decrypt && mech && *mech == gss::krb5_oid()) {
    const auto t = doc != nullptr ? first_ticket(*doc) : std::nullopt;
    const std::string spn = t ? t->sname : "the service";
    report.cls = "keytab_no_matching_key";
    report.hint = "the keytab has a key for " + spn +
                  (t ? " with the ticket's kvno " + std::to_string(t->kvno) + " and " +
                           gss::enctype_name(static_cast<std::int32_t>(t->etype))
                     : std::string()) +
                  ", but it does not decrypt the ticket: the KDC used another account's key (Windows services call "
                  "this KRB_AP_ERR_MODIFIED). In Active Directory the SPN belongs to another account than the one "
                  "whose keys are in the keytab (a moved or duplicate SPN: `setspn -Q " +
                  spn +
                  "` shows its account, `setspn -X` lists duplicates), or that account's password changed: export the "
                  "keytab of the account that holds " +
                  spn;
    if (t) {
      const auto holders = d.holders(t->sname);
      if (!holders.empty()) report.hint += " (here: " + names(holders) + ")";
    }
    return;
  }
  if (report.cls == "keytab_kvno_mismatch" && d.active_directory) {
    const auto t = doc != nullptr ? first_ticket(*doc) : std::nullopt;
    const auto holders = t ? d.holders(t->sname) : std::vector<const Account*>{};
    report.hint =
        "the keytab lacks the key version the ticket was encrypted with: the account's password changed "
        "(each change bumps msDS-KeyVersionNumber) and the keytab was not re-exported; export the current "
        "keys (`samba-tool domain exportkeytab --principal SPN`, or `ktpass` on Windows) and compare "
        "`kvno SPN` with `klist -k`";
    if (holders.size() == 1 && !d.lab_dir.empty())
      report.hint += "; in this lab: " + d.lab_command("rekey --account " + holders.front()->name + " --update-keytab");
  }
}

}  // namespace authctx::report::ad
