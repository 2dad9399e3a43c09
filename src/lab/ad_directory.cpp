#include "lab/ad_directory.hpp"

#include <algorithm>
#include <cctype>

#include "util/base64.hpp"

namespace authctx::lab {
namespace {

constexpr std::chrono::seconds k_ldb_timeout{60};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

util::RunResult run_ldb(const std::vector<std::string>& argv, const std::string& stdin_data) {
  util::RunOptions opts;
  opts.argv = argv;
  // No inherited KRB5_*/LD_PRELOAD surprises: the tools need nothing from the environment.
  opts.env = util::Environment{{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}};
  opts.stdin_data = stdin_data;
  opts.timeout = k_ldb_timeout;
  return util::run(opts);
}

void check(const util::RunResult& r, const std::string& tool) {
  if (!r.timed_out && r.exit_code == 0) return;
  std::string detail = r.timed_out ? tool + " timed out" : tool + " exited with status " + std::to_string(r.exit_code);
  throw DirectoryError(detail + ": " + r.err + r.out);
}

}  // namespace

std::optional<std::string> LdbEntry::first(const std::string& name) const {
  const auto it = attributes.find(lower(name));
  if (it == attributes.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> LdbEntry::all(const std::string& name) const {
  const auto it = attributes.find(lower(name));
  return it == attributes.end() ? std::vector<std::string>{} : it->second;
}

std::vector<LdbEntry> parse_ldif(const std::string& text) {
  // Unfold continuation lines first (RFC 2849: a line starting with one space continues
  // the previous one).
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.front() == ' ' && !lines.empty() && !lines.back().empty())
      lines.back() += line.substr(1);
    else
      lines.push_back(line);
    start = nl + 1;
  }
  std::vector<LdbEntry> out;
  LdbEntry current;
  auto flush = [&] {
    if (!current.dn.empty()) out.push_back(current);
    current = LdbEntry{};
  };
  for (const auto& line : lines) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = lower(line.substr(0, colon));
    std::string value;
    if (colon + 1 < line.size() && line[colon + 1] == ':') {
      auto b64 = line.substr(colon + 2);
      b64.erase(0, b64.find_first_not_of(' '));
      const auto bytes = util::base64_decode(b64);
      value = bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
    } else {
      value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
    }
    if (name == "dn") current.dn = value;
    else if (name != "ref") current.attributes[name].push_back(value);
  }
  flush();
  return out;
}

std::vector<LdbEntry> Directory::search(const std::string& filter, const std::vector<std::string>& attributes) const {
  std::vector<std::string> argv{tools_.ldbsearch, "--configfile=" + paths_.smb_conf.string(), "-H",
                                paths_.sam_ldb.string(), filter};
  argv.insert(argv.end(), attributes.begin(), attributes.end());
  const auto r = run_ldb(argv, {});
  check(r, "ldbsearch");
  return parse_ldif(r.out);
}

std::optional<LdbEntry> Directory::account(const std::string& name, const std::vector<std::string>& attributes) const {
  auto found = search("(sAMAccountName=" + filter_escape(name) + ")", attributes);
  if (found.empty()) return std::nullopt;
  return found.front();
}

void Directory::modify(const std::string& ldif) const {
  check(run_ldb({tools_.ldbmodify, "--configfile=" + paths_.smb_conf.string(), "-H", paths_.sam_ldb.string()}, ldif),
        "ldbmodify");
}

void Directory::modify_below_checks(const std::string& ldif) const {
  check(run_ldb({tools_.ldbmodify, "-H", "tdb://" + paths_.domain_partition.string()}, ldif), "ldbmodify");
}

std::string password_ldif(const std::string& dn, const std::string& password) {
  std::vector<std::uint8_t> utf16;
  const std::string quoted = "\"" + password + "\"";
  for (const char c : quoted) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) throw std::invalid_argument("password_ldif: not printable ASCII");
    utf16.push_back(byte);
    utf16.push_back(0);
  }
  return "dn: " + dn + "\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: " + util::base64_encode(utf16) +
         "\n-\n\n";
}

std::string filter_escape(const std::string& v) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || c == 0) {
      out += '\\';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string ldif_value(const std::string& value) {
  for (const char c : value)
    if (c == '\n' || c == '\r' || c == '\0') throw std::invalid_argument("LDIF value with a line break");
  return value;
}

}  // namespace authctx::lab
