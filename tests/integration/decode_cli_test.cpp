// `authctx decode` as a user runs it: the captured vectors in tests/data/tokens given as a
// file path, on stdin, as an argument, as HTTP header lines, as hex and as forced base64,
// inside an authctx JSON document; and the failures: garbage, a truncated token, a path
// that cannot be read. No realm needed: decode makes no GSS-API calls.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/harness.hpp"
#include "util/base64.hpp"

using authctx::test::run_authctx;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

std::string vector_path(const std::string& name) {
  return std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/tokens/" + name + ".hex";
}

std::string vector_hex(const std::string& name) {
  std::ifstream in(vector_path(name));
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<std::uint8_t> vector_bytes(const std::string& name) {
  const auto b = authctx::util::hex_decode(vector_hex(name));
  REQUIRE(b.has_value());
  return *b;
}

std::string vector_base64(const std::string& name) { return authctx::util::base64_encode(vector_bytes(name)); }

// One decoded token's document, checked for the envelope every successful decode has.
json decode_ok(const std::vector<std::string>& args, const std::string& stdin_data = {}) {
  std::vector<std::string> full{"--format", "json", "decode"};
  full.insert(full.end(), args.begin(), args.end());
  const auto r = run_authctx(full, {}, stdin_data);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto doc = r.json();
  CHECK(doc["schema"] == "authctx/1");
  CHECK(doc["command"] == "decode");
  CHECK(doc["error"].is_null());
  return doc;
}

// The krb5 initiator vector: an InitialContextToken with an AP-REQ for host/localhost.
void check_krb5_ap_req(const json& decoded) {
  CHECK(decoded["type"] == "gss.initial_context_token");
  CHECK(decoded["length"] == 701);
  CHECK(decoded["mech"]["oid"] == "1.2.840.113554.1.2.2");
  CHECK(decoded["mech"]["name"] == "krb5");
  const auto& ap = decoded["inner_token"];
  CHECK(ap["type"] == "krb5.ap_req");
  CHECK(ap["gss_token_id"] == "01 00");
  CHECK(ap["msg_type"]["name"] == "KRB_AP_REQ");
  CHECK(ap["ap_options"][0] == "mutual-required");
  CHECK(ap["ticket"]["realm"] == "AUTHCTX.TEST");
  CHECK(ap["ticket"]["sname"] == "host/localhost");
  CHECK(ap["ticket"]["sname_type"]["name"] == "NT-PRINCIPAL");
  CHECK(ap["ticket"]["enc_part"]["etype"]["name"] == "aes256-cts-hmac-sha1-96");
  CHECK(ap["ticket"]["enc_part"]["kvno"] == 2);
  CHECK(ap["ticket"]["enc_part"]["cipher_length"] == 359);
  CHECK(ap["authenticator"]["cipher_length"] == 192);
  CHECK_FALSE(decoded.contains("diagnostics"));
}

// The SPNEGO initiator vector: NegTokenInit offering krb5 then NTLM, with a krb5 AP-REQ.
void check_spnego_init_krb5(const json& decoded) {
  CHECK(decoded["type"] == "gss.initial_context_token");
  CHECK(decoded["mech"]["oid"] == "1.3.6.1.5.5.2");
  CHECK(decoded["mech"]["name"] == "spnego");
  const auto& init = decoded["inner_token"];
  CHECK(init["type"] == "spnego.neg_token_init");
  CHECK(init["mech_types"][0]["name"] == "krb5");
  CHECK(init["mech_types"][1]["oid"] == "1.3.6.1.4.1.311.2.2.10");
  CHECK(init["mech_types"][1]["name"] == "ntlmssp");
  CHECK(init["mech_token"]["mech"]["name"] == "krb5");
  CHECK(init["mech_token"]["inner_token"]["type"] == "krb5.ap_req");
  CHECK(init["mech_token"]["inner_token"]["ticket"]["sname"] == "host/localhost");
}

// Every diagnostic anywhere in a decoded tree.
void collect_diagnostics(const json& node, std::vector<json>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "diagnostics" && it->is_array()) {
        for (const auto& d : *it) out.push_back(d);
      } else {
        collect_diagnostics(*it, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& e : node) collect_diagnostics(e, out);
  }
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("decode cli: a vector file given as a path decodes to the krb5 AP-REQ with its source line",
          "[decode][cli]") {
  const auto doc = decode_ok({vector_path("krb5_ap_req")});
  REQUIRE(doc["tokens"].size() == 1);
  const auto& t = doc["tokens"][0];
  CHECK(t["source"] == vector_path("krb5_ap_req") + ":1");
  CHECK(t["form"] == "hex");
  CHECK(t["length"] == 701);
  check_krb5_ap_req(t["decoded"]);
}

TEST_CASE("decode cli: a vector on stdin via - decodes to the NTLM NEGOTIATE with its flags and version",
          "[decode][cli]") {
  const auto doc = decode_ok({"-"}, vector_hex("ntlm_negotiate") + "\n");
  REQUIRE(doc["tokens"].size() == 1);
  const auto& t = doc["tokens"][0];
  CHECK(t["source"] == "stdin:1");
  CHECK(t["form"] == "hex");
  CHECK(t["length"] == 40);
  const auto& d = t["decoded"];
  CHECK(d["type"] == "ntlm.negotiate");
  CHECK(d["negotiate_flags"]["value"] == 0xe2088237u);
  CHECK(d["negotiate_flags"]["names"][0] == "NTLMSSP_NEGOTIATE_UNICODE");
  CHECK(d["negotiate_flags"]["names"].size() == 12);
  CHECK(d["version"]["major"] == 6);
  CHECK(d["version"]["minor"] == 2);
  CHECK(d["version"]["ntlm_revision"] == 15);
}

TEST_CASE("decode cli: with no INPUT the token is read from stdin, raw binary bytes included",
          "[decode][cli]") {
  const auto bytes = vector_bytes("krb5_ap_req");
  const auto doc = decode_ok({}, std::string(bytes.begin(), bytes.end()));
  REQUIRE(doc["tokens"].size() == 1);
  CHECK(doc["tokens"][0]["source"] == "stdin");
  CHECK(doc["tokens"][0]["form"] == "raw");
  check_krb5_ap_req(doc["tokens"][0]["decoded"]);
}

TEST_CASE("decode cli: a base64 token given as an argument decodes to the SPNEGO NegTokenInit",
          "[decode][cli]") {
  const auto doc = decode_ok({vector_base64("spnego_init_krb5")});
  REQUIRE(doc["tokens"].size() == 1);
  const auto& t = doc["tokens"][0];
  CHECK(t["source"] == "argument 1");
  CHECK(t["form"] == "base64");
  CHECK(t["length"] == vector_bytes("spnego_init_krb5").size());
  check_spnego_init_krb5(t["decoded"]);
}

TEST_CASE("decode cli: a Negotiate header value and a whole Authorization line decode as header form",
          "[decode][cli]") {
  const std::string b64 = vector_base64("spnego_init_krb5");
  SECTION("Negotiate <b64> as an argument") {
    const auto doc = decode_ok({"Negotiate " + b64});
    REQUIRE(doc["tokens"].size() == 1);
    CHECK(doc["tokens"][0]["form"] == "header");
    check_spnego_init_krb5(doc["tokens"][0]["decoded"]);
  }
  SECTION("Authorization: Negotiate <b64> on stdin") {
    const auto doc = decode_ok({"-"}, "Authorization: Negotiate " + b64 + "\r\n");
    REQUIRE(doc["tokens"].size() == 1);
    CHECK(doc["tokens"][0]["source"] == "stdin:1");
    CHECK(doc["tokens"][0]["form"] == "header");
    check_spnego_init_krb5(doc["tokens"][0]["decoded"]);
  }
  SECTION("WWW-Authenticate: Negotiate <b64> with the acceptor's NegTokenResp") {
    const auto doc = decode_ok({"WWW-Authenticate: Negotiate " + vector_base64("spnego_resp_krb5")});
    REQUIRE(doc["tokens"].size() == 1);
    const auto& d = doc["tokens"][0]["decoded"];
    CHECK(d["type"] == "spnego.neg_token_resp");
    CHECK(d["neg_state"]["name"] == "accept-completed");
    CHECK(d["supported_mech"]["oid"] == "1.2.840.113554.1.2.2");
    CHECK(d["response_token"]["inner_token"]["type"] == "krb5.ap_rep");
  }
}

TEST_CASE("decode cli: hex input with separators decodes the NTLM CHALLENGE target info", "[decode][cli]") {
  const std::string hex = vector_hex("ntlm_challenge");
  std::string spaced;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i) spaced += ':';
    spaced += hex.substr(i, 2);
  }
  const auto doc = decode_ok({"--in", "hex", spaced});
  REQUIRE(doc["tokens"].size() == 1);
  const auto& t = doc["tokens"][0];
  CHECK(t["form"] == "hex");
  CHECK(t["length"] == hex.size() / 2);
  const auto& d = t["decoded"];
  CHECK(d["type"] == "ntlm.challenge");
  CHECK(d["server_challenge"] == "082667378425486d");
  CHECK(d["target_name"] == "VM");
  CHECK(d["target_info"][0]["name"] == "MsvAvNbComputerName");
  CHECK(d["target_info"][4]["name"] == "MsvAvTimestamp");
  CHECK(d["target_info"][4]["value"] == "2026-11-21T23:40:33Z");
}

TEST_CASE("decode cli: --in base64 forces base64 even for text that is all hex digits", "[decode][cli]") {
  const std::string b64 = vector_base64("ntlm_negotiate");
  const auto forced = decode_ok({"--in", "base64", b64});
  REQUIRE(forced["tokens"].size() == 1);
  CHECK(forced["tokens"][0]["form"] == "base64");
  CHECK(forced["tokens"][0]["decoded"]["type"] == "ntlm.negotiate");

  // "deadbeef" auto-detects as 4 hex bytes but forced to base64 it is 6 other bytes.
  const auto r_auto = run_authctx({"--format", "json", "decode", "deadbeef"});
  const auto auto_doc = r_auto.json();
  CHECK(auto_doc["tokens"][0]["form"] == "hex");
  CHECK(auto_doc["tokens"][0]["length"] == 4);
  const auto r_b64 = run_authctx({"--format", "json", "decode", "--in", "base64", "deadbeef"});
  const auto b64_doc = r_b64.json();
  CHECK(b64_doc["tokens"][0]["form"] == "base64");
  CHECK(b64_doc["tokens"][0]["length"] == 6);
  // Neither is a token: unknown, so exit 4.
  CHECK(r_b64.exit_code == 4);
  CHECK(b64_doc["tokens"][0]["decoded"]["type"] == "unknown");

  // Forced base64 never falls back: hex with ':' separators is not base64.
  const auto r_bad = run_authctx({"--format", "json", "decode", "--in", "base64", "4e:54:4c:4d"});
  CHECK(r_bad.exit_code == 4);
  CHECK(r_bad.json()["tokens"][0]["form"].is_null());
  CHECK(r_bad.json()["tokens"][0]["error"].is_string());
}

TEST_CASE("decode cli: an authctx JSON document decodes every leg in order", "[decode][cli]") {
  TempDir dir;
  const std::string path = dir.path + "/handshake.json";
  const json in{{"schema", "authctx/1"},
                {"command", "local"},
                {"legs",
                 {{{"index", 1}, {"base64", vector_base64("ntlm_negotiate")}},
                  {{"index", 2}, {"base64", vector_base64("ntlm_challenge")}},
                  {{"index", 3}, {"base64", vector_base64("ntlm_authenticate")}}}}};
  std::ofstream(path) << in.dump(2) << "\n";
  const auto doc = decode_ok({path});
  REQUIRE(doc["tokens"].size() == 3);
  CHECK(doc["tokens"][0]["source"] == path + "#leg1");
  CHECK(doc["tokens"][1]["source"] == path + "#leg2");
  CHECK(doc["tokens"][2]["source"] == path + "#leg3");
  for (const auto& t : doc["tokens"]) CHECK(t["form"] == "base64");
  CHECK(doc["tokens"][0]["decoded"]["type"] == "ntlm.negotiate");
  CHECK(doc["tokens"][1]["decoded"]["type"] == "ntlm.challenge");
  CHECK(doc["tokens"][1]["decoded"]["server_challenge"] == "082667378425486d");
  CHECK(doc["tokens"][2]["decoded"]["type"] == "ntlm.authenticate");
  CHECK(doc["tokens"][2]["length"] == vector_bytes("ntlm_authenticate").size());

  SECTION("the same document on stdin") {
    const auto d2 = decode_ok({"-"}, in.dump());
    REQUIRE(d2["tokens"].size() == 3);
    CHECK(d2["tokens"][0]["source"] == "stdin#leg1");
    CHECK(d2["tokens"][2]["decoded"]["type"] == "ntlm.authenticate");
  }
}

TEST_CASE("decode cli: garbage exits 4 with the error in JSON and one line on stderr", "[decode][cli]") {
  SECTION("text that is no token form at all") {
    const auto r = run_authctx({"--format", "json", "decode", "-"}, {}, "this is not a token!\n");
    CHECK(r.exit_code == 4);
    const auto doc = r.json();
    REQUIRE(doc["tokens"].size() == 1);
    CHECK(doc["tokens"][0]["source"] == "stdin:1");
    CHECK(doc["tokens"][0]["decoded"].is_null());
    CHECK(doc["tokens"][0]["error"].is_string());
    CHECK(doc["error"]["class"] == "undecodable");
    CHECK(doc["error"]["stage"] == "decode");
    CHECK(doc["error"]["message"] == "1 of 1 token was not fully decodable");
    CHECK(r.err == "authctx: 1 of 1 token was not fully decodable\n");
    CHECK(count_lines(r.err) == 1);
  }
  SECTION("random bytes that are not a recognisable token") {
    const auto r = run_authctx({"--format", "json", "decode", "0102030405060708"});
    CHECK(r.exit_code == 4);
    const auto doc = r.json();
    const auto& d = doc["tokens"][0]["decoded"];
    CHECK(d["type"] == "unknown");
    CHECK(d["length"] == 8);
    CHECK(d["reason"].is_string());
    CHECK(doc["error"]["class"] == "undecodable");
    CHECK(count_lines(r.err) == 1);
  }
  SECTION("one good and one bad token: both reported, exit 4") {
    const auto r = run_authctx({"--format", "json", "decode", vector_base64("ntlm_negotiate"), "zz!!"});
    CHECK(r.exit_code == 4);
    const auto doc = r.json();
    REQUIRE(doc["tokens"].size() == 2);
    CHECK(doc["tokens"][0]["decoded"]["type"] == "ntlm.negotiate");
    CHECK(doc["tokens"][1]["error"].get<std::string>().find("neither a readable file nor a token") != std::string::npos);
    CHECK(doc["error"]["message"] == "1 of 2 tokens were not fully decodable");
  }
  SECTION("empty input: no token found") {
    const auto r = run_authctx({"--format", "json", "decode", "-"}, {}, "\n# only a comment\n");
    CHECK(r.exit_code == 4);
    CHECK(r.json()["tokens"].empty());
    CHECK(r.json()["error"]["message"] == "no token found in the input");
    CHECK(r.err == "authctx: no token found in the input\n");
  }
}

TEST_CASE("decode cli: a truncated token exits 4 with what was decoded and diagnostic offsets inside the input",
          "[decode][cli]") {
  SECTION("an AP-REQ cut to 300 bytes: the outer length is flagged at offset 0") {
    const std::size_t keep = 300;
    const auto r = run_authctx({"--format", "json", "decode", vector_hex("krb5_ap_req").substr(0, keep * 2)});
    CHECK(r.exit_code == 4);
    CHECK(count_lines(r.err) == 1);
    const auto doc = r.json();
    REQUIRE(doc["tokens"].size() == 1);
    CHECK(doc["tokens"][0]["length"] == keep);
    const auto& d = doc["tokens"][0]["decoded"];
    CHECK(d["type"] == "gss.initial_context_token");
    CHECK(d["length"] == keep);
    REQUIRE(d["diagnostics"].size() == 1);
    CHECK(d["diagnostics"][0]["offset"] == 0);
    CHECK(d["diagnostics"][0]["message"] == "InitialContextToken: length 697 exceeds the 296 bytes available");
    CHECK(doc["error"]["message"] == "1 of 1 token was not fully decodable");
  }
  SECTION("an NTLM CHALLENGE cut to 50 bytes: fixed fields kept, payload fields flagged where they are") {
    const std::size_t keep = 50;
    const auto r = run_authctx({"--format", "json", "decode", vector_hex("ntlm_challenge").substr(0, keep * 2)});
    CHECK(r.exit_code == 4);
    const auto doc = r.json();
    const auto& d = doc["tokens"][0]["decoded"];
    CHECK(d["type"] == "ntlm.challenge");
    CHECK(d["length"] == keep);
    CHECK(d["negotiate_flags"]["value"] == 3800728117u);
    CHECK(d["server_challenge"] == "082667378425486d");
    std::vector<json> diags;
    collect_diagnostics(d, diags);
    REQUIRE(diags.size() >= 2);
    CHECK(diags[0]["offset"] == 12);
    CHECK(diags[0]["message"].get<std::string>().find("TargetNameFields") == 0);
    CHECK(diags[1]["offset"] == 40);
    CHECK(diags[1]["message"].get<std::string>().find("TargetInfoFields") == 0);
    for (const auto& diag : diags) {
      INFO(diag.dump());
      REQUIRE(diag["offset"].is_number_unsigned());
      CHECK(diag["offset"].get<std::size_t>() < keep);
    }
  }
}

TEST_CASE("decode cli: a path that is not a file is reported as neither a readable file nor a token, exit 4",
          "[decode][cli]") {
  TempDir dir;
  SECTION("a missing file") {
    const std::string path = dir.path + "/missing.hex";
    const auto r = run_authctx({"--format", "json", "decode", path});
    CHECK(r.exit_code == 4);
    const auto doc = r.json();
    REQUIRE(doc["tokens"].size() == 1);
    CHECK(doc["tokens"][0]["source"] == "argument 1");
    const std::string err = doc["tokens"][0]["error"];
    CHECK(err.find("'" + path.substr(0, 64) + "' is neither a readable file nor a token") == 0);
    CHECK(doc["error"]["class"] == "undecodable");
    CHECK(count_lines(r.err) == 1);
  }
  SECTION("a folder") {
    // A name with a '.' so that the path is not itself valid base64 ("/tmp/abc" would be).
    const std::string folder = dir.path + "/tokens.d";
    std::filesystem::create_directory(folder);
    const auto r = run_authctx({"--format", "json", "decode", folder});
    CHECK(r.exit_code == 4);
    CHECK(r.json()["tokens"][0]["error"].get<std::string>().find("neither a readable file nor a token") !=
          std::string::npos);
  }
}

TEST_CASE("decode cli: a regular file that cannot be read is a setup error, exit 5", "[decode][cli]") {
  // /proc/self/mem is a regular file whose first page is never mapped: read() fails (EIO)
  // even for root, where a chmod 000 file would still be readable.
  const std::string path = "/proc/self/mem";
  if (!std::filesystem::is_regular_file(path)) {
    WARN("no /proc/self/mem here");
    std::exit(77);
  }
  const auto r = run_authctx({"--format", "json", "decode", path});
  CHECK(r.exit_code == 5);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "file_unreadable");
  CHECK(doc["error"]["stage"] == "setup");
  CHECK(doc["error"]["message"].get<std::string>().find("cannot read") != std::string::npos);
  CHECK(doc["error"]["message"].get<std::string>().find(path) != std::string::npos);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("authctx: cannot read") == 0);
}
