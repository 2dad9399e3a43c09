// Approved output: every captured vector tests/data/tokens/<name>.hex, decoded in process
// (src/decode + report::to_json), must equal tests/data/golden/<name>.json exactly (same keys
// in the same order, same values). After an intended decoder change, regenerate with
// scripts/approve-golden and review the diff.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/decoded_json.hpp"
#include "decode/decode.hpp"
#include "util/base64.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path k_tokens = fs::path(AUTHCTX_SOURCE_DIR) / "tests/data/tokens";
const fs::path k_golden = fs::path(AUTHCTX_SOURCE_DIR) / "tests/data/golden";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> vector_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(k_tokens))
    if (e.is_regular_file() && e.path().extension() == ".hex") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The first line where two texts differ, as a hint next to the full mismatch.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "no line differs (whitespace only?)";
    if (!ha || !hb || la != lb) {
      return "first difference at line " + std::to_string(line) + ":\n  approved: " + (ha ? la : "<end>") +
             "\n  decoded:  " + (hb ? lb : "<end>");
    }
  }
}

}  // namespace

TEST_CASE("golden: every captured vector has an approved JSON and nothing is approved without a vector",
          "[decode][golden]") {
  const auto names = vector_names();
  REQUIRE(names.size() >= 34);
  for (const auto& n : names) {
    INFO("vector " << n << ": run scripts/approve-golden " << n);
    CHECK(fs::is_regular_file(k_golden / (n + ".json")));
  }
  for (const auto& e : fs::directory_iterator(k_golden)) {
    INFO("approved file without a vector: " << e.path());
    CHECK(std::find(names.begin(), names.end(), e.path().stem().string()) != names.end());
  }
}

TEST_CASE("golden: each vector decodes in process to exactly its approved JSON", "[decode][golden]") {
  for (const auto& name : vector_names()) {
    INFO("vector " << name);
    const auto bytes = authctx::util::hex_decode(slurp(k_tokens / (name + ".hex")));
    REQUIRE(bytes.has_value());
    const auto golden_path = k_golden / (name + ".json");
    if (!fs::is_regular_file(golden_path)) continue;  // reported by the test above
    const auto approved_text = slurp(golden_path);
    const auto approved = nlohmann::ordered_json::parse(approved_text, nullptr, false);
    REQUIRE_FALSE(approved.is_discarded());

    const auto got = authctx::report::to_json(authctx::decode::decode_token(*bytes));
    const std::string got_text = got.dump(2) + "\n";
    // The approved files hold clean decodes only: no diagnostics, nothing unknown.
    CHECK(got_text.find("\"diagnostics\"") == std::string::npos);
    CHECK(got["type"] != "unknown");
    // (No check that the top-level "length" equals the vector's size: a bare IAKERB token's
    // node counts from after its 2-byte token ID, unlike the other top-level nodes; the
    // approved files pin what it is today.)
    if (got != approved) {
      FAIL_CHECK("decoded " << name << " differs from " << golden_path.string() << "\n"
                            << first_difference(approved_text, got_text)
                            << "\nif the change is intended: scripts/approve-golden " << name
                            << " && git diff " << golden_path.string());
    } else {
      // Same tree; the file is also byte-for-byte what dump(2) prints (stable formatting).
      CHECK(approved_text == got_text);
    }
  }
}

TEST_CASE("golden: decoding a vector twice gives identical JSON (no run-dependent fields)", "[decode][golden]") {
  for (const auto& name : vector_names()) {
    INFO("vector " << name);
    const auto bytes = authctx::util::hex_decode(slurp(k_tokens / (name + ".hex")));
    REQUIRE(bytes.has_value());
    const auto a = authctx::report::to_json(authctx::decode::decode_token(*bytes)).dump();
    const auto b = authctx::report::to_json(authctx::decode::decode_token(*bytes)).dump();
    CHECK(a == b);
  }
}
