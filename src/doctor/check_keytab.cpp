// Checks: the keytab (--keytab, KRB5_KTNAME or the library default) is readable and what
// it holds (principal, kvno, enctypes per entry), and whether it holds the key the KDC
// currently uses for the target: the same principal, kvno and enctype as the ticket the
// target check obtained, proven by decrypting that ticket with the keytab
// (krb5_server_decrypt_ticket_keytab), exactly what an acceptor would do with the AP-REQ.
// A keytab that only has older kvnos is the classic stale keytab after a rekey
// (keytab_kvno_mismatch). A default keytab that does not exist is not a fault (only
// services need one): that is a skip; a keytab the user named must be readable.
#include <cstdlib>
#include <map>
#include <set>

#include "doctor/checks.hpp"

namespace authctx::doctor {
namespace {

// The PAC of a decrypted ticket (inside AD-IF-RELEVANT, found by krb5_find_authdata): its
// buffer types ([MS-PAC] 2.4), parsed by MIT's own krb5_pac_parse. An MIT KDC's PAC has no
// logon information (type 1); an Active Directory DC's always has (FACTS.md, both measured).
nlohmann::ordered_json pac_summary(krb5_context ctx, const krb5_ticket* tkt) {
  if (tkt->enc_part2 == nullptr) return nullptr;
  krb5_authdata** found = nullptr;
  if (krb5_find_authdata(ctx, tkt->enc_part2->authorization_data, nullptr, KRB5_AUTHDATA_WIN2K_PAC, &found) != 0 ||
      found == nullptr || found[0] == nullptr) {
    krb5_free_authdata(ctx, found);
    return nullptr;
  }
  krb5_pac pac = nullptr;
  nlohmann::ordered_json out{{"buffer_types", nlohmann::ordered_json::array()}, {"logon_info", false}};
  if (krb5_pac_parse(ctx, found[0]->contents, found[0]->length, &pac) == 0) {
    size_t n = 0;
    krb5_ui_4* types = nullptr;
    if (krb5_pac_get_types(ctx, pac, &n, &types) == 0) {
      for (size_t i = 0; i < n; ++i) {
        out["buffer_types"].push_back(types[i]);
        if (types[i] == KRB5_PAC_LOGON_INFO) out["logon_info"] = true;
      }
      free(types);  // NOLINT: allocated by the library with malloc
    }
    krb5_pac_free(ctx, pac);
  }
  krb5_free_authdata(ctx, found);
  return out;
}

std::string keytab_name(krb5_context ctx, krb5_keytab kt) {
  char buf[1024] = {};
  if (krb5_kt_get_name(ctx, kt, buf, sizeof buf) != 0) return {};
  return buf;
}

// Entries grouped by principal and kvno, in keytab order.
nlohmann::ordered_json entries_json(const std::vector<KeytabEntry>& entries) {
  auto out = nlohmann::ordered_json::array();
  std::map<std::pair<std::string, krb5_kvno>, std::size_t> index;
  for (const auto& e : entries) {
    const auto key = std::make_pair(e.principal, e.kvno);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.size()).first;
      out.push_back({{"principal", e.principal}, {"kvno", e.kvno}, {"enctypes", nlohmann::ordered_json::array()}});
    }
    out[it->second]["enctypes"].push_back(enctype_json(e.enctype));
  }
  return out;
}
}  // namespace

Check check_keytab(State& s) {
  auto c = make_check("keytab", Status::ok, "");
  krb5_context ctx = s.krb.get();
  if (ctx == nullptr) return make_check("keytab", Status::skip, "no Kerberos context (see krb5_config)");
  const bool from_env = std::getenv("KRB5_KTNAME") != nullptr;
  const std::string source = !s.options.keytab.empty() ? "--keytab" : from_env ? "KRB5_KTNAME" : "default";
  const bool named = source != "default";
  krb5_keytab raw = nullptr;
  const auto rc =
      s.options.keytab.empty() ? krb5_kt_default(ctx, &raw) : krb5_kt_resolve(ctx, s.options.keytab.c_str(), &raw);
  if (rc != 0) {
    c.detail = "cannot open the keytab " + s.options.keytab + ": " + s.krb.message(rc);
    c.data = {{"name", s.options.keytab}, {"source", source}, {"entries", nullptr}};
    set_problem(c, Status::fail, hint_for("keytab_missing"));
    return c;
  }
  auto kt = std::make_unique<Keytab>(ctx, raw);
  const std::string name = keytab_name(ctx, raw);
  c.data = {{"name", name}, {"source", source}, {"entries", nullptr}};

  krb5_kt_cursor cursor = nullptr;
  if (const auto src = krb5_kt_start_seq_get(ctx, raw, &cursor); src != 0) {
    c.detail = "the keytab " + name + " cannot be read: " + s.krb.message(src);
    if (named) {
      set_problem(c, Status::fail, hint_for("keytab_missing"));
    } else {
      c.status = Status::skip;
      c.detail += " (only services need a keytab)";
      c.hint = "give --keytab FILE to check a service's keytab";
    }
    return c;
  }
  krb5::KeytabEntryContents entry(ctx);
  for (; krb5_kt_next_entry(ctx, raw, entry.get(), &cursor) == 0; entry.reset())
    s.keytab_entries.push_back({unparse(ctx, entry->principal), entry->vno, entry->key.enctype});
  krb5_kt_end_seq_get(ctx, raw, &cursor);
  s.keytab = std::move(kt);
  c.data["entries"] = entries_json(s.keytab_entries);

  std::set<std::string> principals;
  bool weak = false;
  for (const auto& e : s.keytab_entries) {
    principals.insert(e.principal);
    weak = weak || weak_enctype(e.enctype);
  }
  c.detail = "keytab " + name + " is readable and holds " + std::to_string(s.keytab_entries.size()) + " keys for " +
             std::to_string(principals.size()) + " principals";
  if (s.keytab_entries.empty()) {
    c.detail = "keytab " + name + " is readable but empty";
    set_problem(c, named ? Status::fail : Status::warn, hint_for("keytab_no_matching_key"));
  } else if (weak) {
    c.detail += "; some keys use weak enctypes (rc4/DES)";
    set_problem(c, Status::warn, hint_for("weak_enctype"));
  }
  return c;
}

Check check_keytab_kvno(State& s) {
  auto c = make_check("keytab_kvno", Status::ok, "");
  if (s.options.target.empty()) return make_check("keytab_kvno", Status::skip, "no --target given");
  if (!s.service_ticket) return make_check("keytab_kvno", Status::skip, "no service ticket to compare (see target)");
  if (!s.keytab) return make_check("keytab_kvno", Status::skip, "no readable keytab to compare (see keytab)");
  krb5_context ctx = s.krb.get();
  krb5_ticket* tkt = s.service_ticket.get();
  const std::string principal = unparse(ctx, tkt->server);
  const auto kvno = tkt->enc_part.kvno;
  const auto enctype = tkt->enc_part.enctype;

  std::set<krb5_kvno> kvnos;
  bool kvno_match = false, exact = false;
  for (const auto& e : s.keytab_entries) {
    if (e.principal != principal) continue;
    kvnos.insert(e.kvno);
    kvno_match = kvno_match || e.kvno == kvno;
    exact = exact || (e.kvno == kvno && e.enctype == enctype);
  }
  c.data = {{"principal", principal},
            {"kdc_kvno", kvno},
            {"kdc_enctype", enctype_json(enctype)},
            {"keytab_kvnos", nlohmann::ordered_json(std::vector<krb5_kvno>(kvnos.begin(), kvnos.end()))},
            {"decrypted", false}};
  std::string have;
  for (const auto k : kvnos) have += (have.empty() ? "" : ", ") + std::to_string(k);

  if (kvnos.empty()) {
    c.detail = "the keytab holds no key for " + principal;
    set_problem(c, Status::fail, hint_for("keytab_no_matching_key"));
    return c;
  }
  if (!kvno_match) {
    c.detail = "the keytab holds kvno " + have + " for " + principal + " but the KDC encrypts tickets with kvno " +
               std::to_string(kvno) + ": the keytab is stale";
    set_problem(c, Status::fail, hint_for("keytab_kvno_mismatch"));
    return c;
  }
  if (!exact) {
    c.detail = "the keytab holds kvno " + std::to_string(kvno) + " for " + principal + " but not for enctype " +
               enctype_json(enctype)["name"].get<std::string>() + " that the KDC uses";
    set_problem(c, Status::fail, hint_for("keytab_no_matching_key"));
    return c;
  }
  // Proof: decrypt the issued ticket with the keytab, as gss_accept_sec_context would.
  if (const auto rc = krb5_server_decrypt_ticket_keytab(ctx, s.keytab->get(), tkt); rc != 0) {
    c.detail = "the keytab's kvno " + std::to_string(kvno) + " key for " + principal +
               " does not decrypt the KDC's ticket (" + s.krb.message(rc) + "): same kvno, different key";
    c.data["decrypt_error"] = s.krb.message(rc);
    set_problem(c, Status::fail, hint_for("keytab_no_matching_key"));
    return c;
  }
  c.data["decrypted"] = true;
  c.detail = "the keytab holds the KDC's current key for " + principal + " (kvno " + std::to_string(kvno) + ", " +
             enctype_json(enctype)["name"].get<std::string>() + ") and it decrypts the issued ticket";
  c.data["pac"] = pac_summary(ctx, tkt);
  if (c.data["pac"].value("logon_info", false))
    c.detail += "; its PAC has logon information: an Active Directory domain controller issued it";
  return c;
}

}  // namespace authctx::doctor
