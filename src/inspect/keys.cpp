// Loading the keys a user holds and choosing which to try. See keys.hpp.
#include "inspect/keys.hpp"

#include <string.h>  // explicit_bzero
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::inspect {

namespace {
util::Error key_file_error(const std::string& message) {
  return util::setup_error("key_file_unreadable", message, "check the path and its permissions");
}

std::string lower(std::string s) {
  for (auto& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

// The principal with its realm (the configuration's default realm when none is given).
std::string canonical(const krb5::Context& ctx, const std::string& name) {
  try {
    return krb5::canonical_principal(ctx, name);
  } catch (const krb5::KrbError& e) {
    throw util::usage_error(std::string(e.what()) + " (write it with its realm, e.g. websvc@AD.EXAMPLE.COM)");
  }
}

std::string kvno_text(std::optional<std::int64_t> kvno) {
  return kvno ? ", kvno " + std::to_string(*kvno) : std::string(", no kvno");
}

// "P kvno N (e1, e2)" for each principal and kvno, in keytab order.
std::vector<std::string> group_entries(const std::vector<krb5::KeytabKey>& keys, const std::string* only) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& k : keys) {
    if (only != nullptr && k.principal != *only) continue;
    const std::string head = k.principal + " kvno " + std::to_string(k.kvno);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == head; });
    if (it == groups.end()) {
      groups.push_back({head, {}});
      it = groups.end() - 1;
    }
    it->second.push_back(krb5::enctype_name(k.enctype));
  }
  std::vector<std::string> out;
  for (const auto& [head, enctypes] : groups) {
    std::string s = head + " (";
    for (std::size_t i = 0; i < enctypes.size(); ++i) s += (i ? ", " : "") + enctypes[i];
    out.push_back(s + ")");
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
  return s;
}
}  // namespace

KeySet::~KeySet() {
  if (password_ && !password_->password.empty()) explicit_bzero(password_->password.data(), password_->password.size());
}

std::string ad_salt_for(const krb5::Context& ctx, const std::string& principal) {
  const std::string full = canonical(ctx, principal);
  const auto at = full.rfind('@');
  const std::string name = full.substr(0, at);
  const std::string realm = at == std::string::npos ? std::string() : full.substr(at + 1);
  // MS-KILE §3.1.1.2: a computer account's keys are salted with its host name, not its
  // sAMAccountName: "REALM" + "host" + lower-case name without "$" + "." + lower-case realm.
  if (!name.empty() && name.back() == '$' && name.find('/') == std::string::npos) {
    return realm + "host" + lower(name.substr(0, name.size() - 1)) + "." + lower(realm);
  }
  try {
    return krb5::default_salt(ctx, full);
  } catch (const krb5::KrbError& e) {
    throw util::usage_error(e.what());
  }
}

void KeySet::add_keytab(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw key_file_error("cannot read the keytab " + path + ": " + std::strerror(errno));
  }
  std::vector<krb5::KeytabKey> keys;
  try {
    keys = krb5::read_keytab(*ctx_, "FILE:" + path);
  } catch (const krb5::KrbError& e) {
    throw key_file_error(e.what());
  }
  if (keys.empty()) throw key_file_error("the keytab " + path + " holds no keys");
  keytab_files_.push_back({path, keytab_.size(), keys.size()});
  for (auto& k : keys) keytab_.push_back(std::move(k));
}

void KeySet::add_password_file(const std::string& path, const std::string& principal,
                               const std::optional<std::string>& salt) {
  Password p;
  p.path = path;
  try {
    p.password = util::read_password_file(path);
  } catch (const util::FileError& e) {
    throw key_file_error(e.what());
  }
  if (p.password.empty()) throw key_file_error("the password file " + path + " is empty");
  p.principal = canonical(*ctx_, principal);
  p.salt = salt ? *salt : ad_salt_for(*ctx_, p.principal);
  password_ = std::move(p);
}

void KeySet::add_key_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos)
    throw util::usage_error("--key wants ENCTYPE:HEX, e.g. aes256-cts-hmac-sha1-96:00112233...");
  const std::string name = spec.substr(0, colon);
  const auto enctype = krb5::enctype_from_string(name);
  if (!enctype) throw util::usage_error("--key: unknown enctype '" + name + "'");
  const auto length = krb5::key_length(*ctx_, *enctype);
  if (!length) throw util::usage_error("--key: MIT krb5 does not support enctype '" + name + "'");
  auto bytes = util::hex_decode(spec.substr(colon + 1));
  if (!bytes) throw util::usage_error("--key: the key is not valid hexadecimal");
  if (bytes->size() != *length) {
    const auto got = bytes->size();
    explicit_bzero(bytes->data(), bytes->size());
    throw util::usage_error("--key: a " + krb5::enctype_name(*enctype) + " key is " + std::to_string(*length) +
                            " bytes, this one is " + std::to_string(got));
  }
  raw_.push_back({*enctype, krb5::SecretBytes(*bytes)});
  explicit_bzero(bytes->data(), bytes->size());
}

std::vector<KeyCandidate> KeySet::raw_of(std::int32_t etype) {
  std::vector<KeyCandidate> out;
  if (password_) {
    auto it = password_->derived.find(etype);
    if (it == password_->derived.end()) {
      try {
        it = password_->derived.emplace(etype, krb5::string_to_key(*ctx_, etype, password_->password, password_->salt))
                 .first;
      } catch (const krb5::KrbError&) {
        it = password_->derived.end();  // an enctype MIT cannot derive: nothing to try
      }
    }
    if (it != password_->derived.end()) {
      out.push_back({etype, it->second.view(),
                     "the password for " + password_->principal + " (" + krb5::enctype_name(etype) + ", salt \"" +
                         password_->salt + "\")"});
    }
  }
  for (const auto& r : raw_) {
    if (r.enctype == etype)
      out.push_back({etype, r.key.view(), "the " + krb5::enctype_name(etype) + " key given with --key"});
  }
  return out;
}

std::vector<KeyCandidate> KeySet::for_ticket(const std::string& server, std::optional<std::int64_t> kvno,
                                             std::int32_t etype) {
  std::vector<KeyCandidate> out;
  const auto describe_entry = [](const krb5::KeytabKey& k) {
    return "keytab entry " + k.principal + " kvno " + std::to_string(k.kvno) + " (" + krb5::enctype_name(k.enctype) +
           ")";
  };
  // MIT keytabs store the kvno in 8 bits and, since 1.8, in 32 bits as well; compare both ways.
  const auto kvno_matches = [&](const krb5::KeytabKey& k) {
    return !kvno || static_cast<std::int64_t>(k.kvno) == *kvno || (k.kvno & 0xff) == (*kvno & 0xff);
  };
  for (const auto& k : keytab_) {
    if (k.enctype == etype && k.principal == server && kvno_matches(k))
      out.push_back({etype, k.key.view(), describe_entry(k)});
  }
  for (const auto& k : keytab_) {
    if (k.enctype == etype && !(k.principal == server && kvno_matches(k))) {
      out.push_back({etype, k.key.view(), describe_entry(k)});
    }
  }
  for (auto& c : raw_of(etype)) out.push_back(std::move(c));
  return out;
}

std::vector<KeyCandidate> KeySet::any_of(std::int32_t etype) { return for_ticket({}, std::nullopt, etype); }

std::string KeySet::holdings() const {
  std::vector<std::string> parts;
  if (!keytab_.empty()) {
    parts.push_back((keytab_files_.size() > 1 ? "the keytabs hold " : "the keytab holds ") +
                    join(group_entries(keytab_, nullptr), ", "));
  }
  if (password_) {
    parts.push_back("the password file gives keys for " + password_->principal + " (salt \"" + password_->salt + "\")");
  }
  for (const auto& r : raw_) parts.push_back("--key gives one " + krb5::enctype_name(r.enctype) + " key");
  if (parts.empty()) return "no keys were given";
  return join(parts, "; ");
}

MissingKey KeySet::explain_missing(const std::string& what, const std::string& server, std::optional<std::int64_t> kvno,
                                   std::int32_t etype, bool tried) const {
  const std::string head = what + " is for " + server + kvno_text(kvno) + ", " + krb5::enctype_name(etype);
  const bool server_held =
      std::any_of(keytab_.begin(), keytab_.end(), [&](const auto& k) { return k.principal == server; });
  if (server_held) {
    const auto same_kvno = [&](const krb5::KeytabKey& k) {
      return k.principal == server && (!kvno || static_cast<std::int64_t>(k.kvno) == *kvno);
    };
    const bool kvno_held = std::any_of(keytab_.begin(), keytab_.end(), same_kvno);
    const bool etype_held =
        std::any_of(keytab_.begin(), keytab_.end(), [&](const auto& k) { return same_kvno(k) && k.enctype == etype; });
    const std::string held = join(group_entries(keytab_, &server), ", ");
    if (kvno_held && etype_held) {
      return {"wrong_key", head + "; the keytab's key for it (" + held +
                               ") does not open it: the key changed without a new kvno, or belongs to another realm"};
    }
    if (kvno_held)
      return {"enctype_mismatch",
              head + "; the keytab holds " + held + " but no " + krb5::enctype_name(etype) + " key"};
    return {"kvno_mismatch", head + "; the keytab holds " + held};
  }
  if (tried) {
    std::string m = head + "; " + holdings() + ", and none of the keys tried opens it";
    if (password_) m += " (a wrong password, or a wrong salt: --principal names the account whose password it is)";
    return {"wrong_key", m};
  }
  return {"no_key", head + "; " + holdings()};
}

decode::Value KeySet::describe() const {
  decode::Value list = decode::Value::array();
  const auto enctype_value = [](std::int32_t e) {
    decode::Value v = decode::Value::object();
    v.set("id", e);
    v.set("name", krb5::enctype_name(e));
    return v;
  };
  for (const auto& file : keytab_files_) {
    decode::Value kt = decode::Value::object();
    kt.set("source", "keytab");
    kt.set("path", file.path);
    decode::Value entries = decode::Value::array();
    for (std::size_t i = 0; i < file.count; ++i) {
      const auto& k = keytab_[file.first + i];
      decode::Value e = decode::Value::object();
      e.set("principal", k.principal);
      e.set("kvno", k.kvno);
      e.set("enctype", enctype_value(k.enctype));
      entries.push(std::move(e));
    }
    kt.set("entries", std::move(entries));
    list.push(std::move(kt));
  }
  if (password_) {
    decode::Value p = decode::Value::object();
    p.set("source", "password");
    p.set("path", password_->path);
    p.set("principal", password_->principal);
    p.set("salt", password_->salt);
    list.push(std::move(p));
  }
  for (const auto& r : raw_) {
    decode::Value k = decode::Value::object();
    k.set("source", "key");
    k.set("enctype", enctype_value(r.enctype));
    list.push(std::move(k));
  }
  return list;
}

}  // namespace authctx::inspect
