// The layers as a table, checked against every source file: a file in src/X (or cli/) may
// include project headers only from X itself and from the folders X links, directly or
// through what they link (the same arrows cmake/Layers.cmake makes the build enforce). The
// C libraries' headers stay in the folders that wrap them, and CLI11 in cli/. A new folder
// must add its row here: an include from an unknown folder fails too.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// What each folder links (its CMakeLists.txt), lowest layer first.
const std::map<std::string, std::set<std::string>> k_links{
    {"util", {}},
    {"decode", {"util"}},
    {"gss", {"krb5", "util"}},
    {"krb5", {}},
    {"inspect", {"decode", "krb5", "util"}},
    {"json", {}},
    {"net", {"util"}},
    {"transport", {"net", "json", "util"}},
    {"http", {"transport", "net", "json", "util"}},
    {"ldap", {"transport", "util"}},
    {"report", {"gss", "krb5", "inspect", "decode", "json", "util"}},
    {"text", {"json", "util"}},
    {"engine", {"report", "transport", "gss", "krb5", "json", "util"}},
    {"run", {"engine", "http", "ldap", "transport", "report", "net", "json", "util"}},
    {"lab", {"util", "krb5"}},
    {"doctor", {"report", "net", "krb5", "gss", "json", "util"}},
    {"policy", {"decode", "json", "util"}},
    {"cli",
     {"run", "engine", "ldap", "text", "report", "lab", "doctor", "policy", "inspect", "decode", "gss", "json",
      "util"}},
};

// System headers that only some folders may include (a library's headers stay in the files
// that wrap it).
const std::vector<std::pair<std::string, std::set<std::string>>> k_system_headers{
    {"<gssapi", {"gss"}},
    {"<krb5/", {"krb5", "gss", "report", "doctor", "lab"}},
    {"<com_err.h>", {"krb5", "gss", "report", "doctor", "lab"}},
    {"<CLI/", {"cli"}},
    {"<boost/", {"http"}},
    {"<openssl/", {"http", "ldap"}},
    {"<lber.h>", {"ldap"}},
    {"<ldap.h>", {"ldap"}},
};

std::set<std::string> reachable(const std::string& folder) {
  std::set<std::string> out;
  std::vector<std::string> todo{folder};
  while (!todo.empty()) {
    const auto f = todo.back();
    todo.pop_back();
    if (!out.insert(f).second) continue;
    const auto it = k_links.find(f);
    if (it != k_links.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
  }
  return out;
}

// The violations in one file's text, as "FILE:LINE: why".
std::vector<std::string> violations(const std::string& folder, const std::string& file, std::istream& text) {
  std::vector<std::string> out;
  const auto allowed = reachable(folder);
  std::string line;
  int n = 0;
  while (std::getline(text, line)) {
    ++n;
    if (line.rfind("#include ", 0) != 0) continue;
    const auto spec = line.substr(9);
    const auto where = file + ":" + std::to_string(n) + ": ";
    if (spec.rfind('"', 0) == 0) {
      const auto slash = spec.find('/');
      if (slash == std::string::npos) {
        out.push_back(where + spec + " names no folder");
        continue;
      }
      const auto target = spec.substr(1, slash - 1);
      if (k_links.count(target) == 0)
        out.push_back(where + spec + " is in folder " + target + ", which has no layer");
      else if (allowed.count(target) == 0)
        out.push_back(where + folder + " may not include " + spec + " (a layer above)");
      continue;
    }
    for (const auto& [prefix, folders] : k_system_headers)
      if (spec.rfind(prefix, 0) == 0 && folders.count(folder) == 0)
        out.push_back(where + folder + " may not include " + spec);
  }
  return out;
}

std::vector<std::string> check_tree() {
  const fs::path root = AUTHCTX_SOURCE_DIR;
  std::vector<std::string> out;
  auto check_folder = [&](const fs::path& dir, const std::string& folder) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      std::ifstream in(entry.path());
      const auto found = violations(folder, fs::relative(entry.path(), root).string(), in);
      out.insert(out.end(), found.begin(), found.end());
    }
  };
  for (const auto& entry : fs::directory_iterator(root / "src")) {
    if (!entry.is_directory()) continue;
    const auto folder = entry.path().filename().string();
    if (k_links.count(folder) == 0) {
      out.push_back("src/" + folder + " has no row in the layer table (tests/unit/layering_test.cpp)");
      continue;
    }
    check_folder(entry.path(), folder);
  }
  check_folder(root / "cli", "cli");
  return out;
}
}  // namespace

TEST_CASE("layers: no file includes from a layer above its own", "[layers]") {
  const auto found = check_tree();
  for (const auto& v : found) UNSCOPED_INFO(v);
  CHECK(found.empty());
}

TEST_CASE("layers: the checker names an include from above and a GSS-API header in a transport", "[layers]") {
  std::istringstream bad(
      "#include \"transport/frame.hpp\"\n#include \"engine/party.hpp\"\n#include <gssapi/gssapi.h>\n"
      "#include \"nowhere/client.hpp\"\n");
  const auto found = violations("transport", "src/transport/x.cpp", bad);
  REQUIRE(found.size() == 3);
  CHECK(found[0] == "src/transport/x.cpp:2: transport may not include \"engine/party.hpp\" (a layer above)");
  CHECK(found[1] == "src/transport/x.cpp:3: transport may not include <gssapi/gssapi.h>");
  CHECK(found[2].find("which has no layer") != std::string::npos);
  std::istringstream good("#include \"report/document.hpp\"\n#include \"util/bytes.hpp\"\n");
  CHECK(violations("run", "src/run/x.cpp", good).empty());
  CHECK(reachable("doctor").count("engine") == 0);
  CHECK(reachable("lab") == std::set<std::string>{"lab", "util", "krb5"});
}
