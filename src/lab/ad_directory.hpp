// The AD lab's directory, read and edited through Samba's own ldb tools on the DC's database.
//
// Every change is LDIF written to ldbmodify's standard input, and every read is ldbsearch's
// LDIF output parsed here: passwords (unicodePwd values) never appear on a command line.
// Both tools get the lab's smb.conf (--configfile), which matters: without it Samba derives
// the Kerberos salt from the machine's smb.conf, whose realm is not the lab's. They run
// while the DC runs, as samba-tool does (ldb's tdb backend locks and uses transactions).
// modify() goes through Samba's module stack (sam.ldb), so Samba's own rules apply and a
// refusal (e.g. a duplicate SPN: "Constraint violation") comes back as DirectoryError.
// modify_below_checks() writes the domain partition's tdb directly, bypassing those
// modules; the lab uses it only to create what Samba refuses but AD can end up with (a
// duplicate SPN left by replication or an older DC).
#pragma once
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab/samba.hpp"

namespace authctx::lab {

class DirectoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LdbEntry {
  std::string dn;
  std::map<std::string, std::vector<std::string>> attributes;  // keys lower-cased
  // The first value of an attribute, if any.
  std::optional<std::string> first(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
};

// Parses ldbsearch's LDIF (comments, continuation lines, base64 "::" values, referrals).
std::vector<LdbEntry> parse_ldif(const std::string& text);

class Directory {
 public:
  Directory(const SambaTools& tools, const SambaPaths& paths) : tools_(tools), paths_(paths) {}

  std::vector<LdbEntry> search(const std::string& filter, const std::vector<std::string>& attributes) const;
  // The account whose sAMAccountName is name (case-insensitive), or nullopt.
  std::optional<LdbEntry> account(const std::string& name, const std::vector<std::string>& attributes) const;

  void modify(const std::string& ldif) const;
  void modify_below_checks(const std::string& ldif) const;

 private:
  SambaTools tools_;
  SambaPaths paths_;
};

// LDIF that sets dn's password (unicodePwd: the password in double quotes, UTF-16LE, base64;
// [MS-ADTS] 3.1.1.3.1.5.1). password must be printable ASCII.
std::string password_ldif(const std::string& dn, const std::string& password);

// A value escaped for an LDAP search filter (RFC 4515 §3).
std::string filter_escape(const std::string& value);

// An LDIF value safe to write after "attr: " (no newline can end the record early).
std::string ldif_value(const std::string& value);

}  // namespace authctx::lab
