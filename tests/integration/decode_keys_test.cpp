// `authctx decode` with keys, as a user runs it: captured exchanges (tests/data/exchanges)
// and a live lab exchange opened with --keytab, --password-file/--principal and --key; the
// exit codes of the contract for a wrong keytab (4, naming the kvno and enctype), an
// unreadable key file (5) and malformed key options (2); and a cross-check of the
// decrypted fields against Wireshark's own Kerberos decryption (tshark with the same keytab).
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/bindings.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"
#include "util/process.hpp"

using authctx::test::Lab;
using authctx::test::run_authctx;
using authctx::test::TempDir;
using nlohmann::json;

namespace {
const std::string kData = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/exchanges/";

json decode_with(const std::vector<std::string>& args, int expected_exit = 0) {
  std::vector<std::string> full{"--format", "json", "decode"};
  full.insert(full.end(), args.begin(), args.end());
  const auto r = run_authctx(full, {{"KRB5_CONFIG", "/dev/null"}});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  if (expected_exit == 0) CHECK(r.err.empty());
  return r.json();
}

// The first node of the given "type" found depth-first.
const json* find_type(const json& v, const std::string& type) {
  if (v.is_object()) {
    if (v.contains("type") && v["type"] == type) return &v;
    for (const auto& [k, x] : v.items()) {
      if (const auto* f = find_type(x, type)) return f;
    }
  } else if (v.is_array()) {
    for (const auto& x : v) {
      if (const auto* f = find_type(x, type)) return f;
    }
  }
  return nullptr;
}

// Every object member named `key`, anywhere.
void collect_key(const json& v, const std::string& key, std::vector<json>& out) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (k == key) out.push_back(x);
      collect_key(x, key, out);
    }
  } else if (v.is_array()) {
    for (const auto& x : v) collect_key(x, key, out);
  }
}

// "2026-11-26T13:57:00Z" as tshark prints times: "Nov 26, 2026 13:57:00.000000000 UTC".
std::string tshark_time(const std::string& rfc3339) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int month = std::stoi(rfc3339.substr(5, 2));
  const int day = std::stoi(rfc3339.substr(8, 2));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %2d, %s %s.000000000 UTC", months[month - 1], day, rfc3339.substr(0, 4).c_str(),
                rfc3339.substr(11, 8).c_str());
  return buf;
}

std::vector<std::uint8_t> leg_bytes(const std::string& exchange, std::size_t index) {
  std::ifstream in(kData + exchange);
  const auto doc = json::parse(in);
  const auto b = authctx::util::base64_decode(doc["legs"][index]["base64"].get<std::string>());
  REQUIRE(b.has_value());
  return *b;
}

// The Kerberos message inside a krb5 GSS token (RFC 2743 §3.1 framing, then the 2-byte
// TOK_ID of RFC 4121 §4.1), or inside a SPNEGO token's mechToken / responseToken.
std::vector<std::uint8_t> krb5_message(const std::vector<std::uint8_t>& token) {
  // Find the krb5 mech OID followed by a TOK_ID of 01 00 or 02 00: what follows is the message.
  static const std::uint8_t oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
  for (std::size_t i = 0; i + sizeof oid + 2 < token.size(); ++i) {
    if (std::equal(std::begin(oid), std::end(oid), token.begin() + static_cast<long>(i))) {
      const std::size_t at = i + sizeof oid;
      if (token[at + 1] == 0x00 && (token[at] == 0x01 || token[at] == 0x02)) {
        return {token.begin() + static_cast<long>(at + 2), token.end()};
      }
    }
  }
  FAIL("no krb5 message in the token");
  return {};
}

// A capture file with each message as one Kerberos-over-TCP record (RFC 4120 §7.2.2: a
// 4-byte big-endian length, then the message) on port 88, made by text2pcap.
std::string write_pcap(const TempDir& dir, const std::vector<std::vector<std::uint8_t>>& messages) {
  const std::string text = dir.path + "/krb.txt";
  {
    std::ofstream out(text);
    for (const auto& m : messages) {
      std::vector<std::uint8_t> record = {
          static_cast<std::uint8_t>(m.size() >> 24), static_cast<std::uint8_t>(m.size() >> 16),
          static_cast<std::uint8_t>(m.size() >> 8), static_cast<std::uint8_t>(m.size())};
      record.insert(record.end(), m.begin(), m.end());
      for (std::size_t off = 0; off < record.size(); off += 16) {
        char head[24];
        std::snprintf(head, sizeof head, "%06zx", off);
        out << head;
        for (std::size_t i = off; i < record.size() && i < off + 16; ++i) {
          char b[4];
          std::snprintf(b, sizeof b, " %02x", record[i]);
          out << b;
        }
        out << "\n";
      }
    }
  }
  const std::string pcap = dir.path + "/krb.pcap";
  authctx::util::RunOptions o;
  o.argv = {"text2pcap", "-q", "-T", "50000,88", text, pcap};
  const auto r = authctx::util::run(o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return pcap;
}

// tshark's values for the fields, one line per frame, each field's occurrences joined by '|'.
std::vector<std::vector<std::string>> tshark_fields(const std::string& pcap, const std::string& keytab,
                                                    const std::vector<std::string>& fields) {
  authctx::util::RunOptions o;
  o.argv = {"tshark",
            "-r",
            pcap,
            "-o",
            "kerberos.decrypt:TRUE",
            "-o",
            "kerberos.file:" + keytab,
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=|",
            "-E",
            "separator=/t"};
  for (const auto& f : fields) o.argv.insert(o.argv.end(), {"-e", f});
  o.env = authctx::util::current_environment({{"HOME", pcap.substr(0, pcap.rfind('/'))}});
  const auto r = authctx::util::run(o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      const auto tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    cols.resize(fields.size());
    rows.push_back(cols);
  }
  return rows;
}

// The first of a field's occurrences.
std::string first(const std::string& field) { return field.substr(0, field.find('|')); }

std::string pac_client_name(const json& etp) {
  const auto* c = find_type(etp, "mspac.client_info");
  REQUIRE(c != nullptr);
  return (*c)["name"].get<std::string>();
}

bool have_tshark() { return authctx::util::find_program("tshark") && authctx::util::find_program("text2pcap"); }
}  // namespace

TEST_CASE("decode --keytab: a captured exchange shows the client the bindings hash and the delegated ticket",
          "[integration][decode][keys]") {
  const auto doc = decode_with({"--keytab", kData + "mit.keytab", kData + "mit_krb5_deleg_cb.json"});
  CHECK(doc["keys"][0]["source"] == "keytab");
  CHECK(doc["keys"][0]["entries"].size() == 4);
  CHECK(doc["keys"][0]["entries"][0]["principal"] == "host/localhost@AUTHCTX.TEST");
  CHECK(doc["decryption"]["opened"] == 4);
  const auto* etp = find_type(doc, "krb5.enc_ticket_part");
  REQUIRE(etp != nullptr);
  CHECK((*etp)["cname"] == "alice");
  CHECK((*etp)["crealm"] == "AUTHCTX.TEST");
  const auto* auth = find_type(doc, "krb5.authenticator");
  REQUIRE(auth != nullptr);
  CHECK((*auth)["cksum"]["gss"]["bindings_hash"] == authctx::test::gss_bindings_md5_hex("authctx-test-bindings"));
  CHECK(authctx::test::has((*auth)["cksum"]["gss"]["flags"]["names"], "deleg"));
  const auto* cred = find_type(doc, "krb5.enc_krb_cred_part");
  REQUIRE(cred != nullptr);
  CHECK((*cred)["ticket_info"][0]["sname"] == "krbtgt/AUTHCTX.TEST");
  CHECK(find_type(doc, "krb5.enc_ap_rep_part") != nullptr);
  // No key material without --show-secrets: every key is described, none is shown.
  std::vector<json> keys;
  collect_key(doc, "key", keys);
  collect_key(doc, "subkey", keys);
  std::size_t objects = 0;
  for (const auto& k : keys) {
    if (!k.is_object()) continue;
    ++objects;
    CHECK(k["redacted"] == true);
    CHECK_FALSE(k.contains("hex"));
  }
  CHECK(objects == 4);  // ticket session key, authenticator subkey, forwarded TGT key, AP-REP subkey
}

TEST_CASE("decode --keytab as text: who the user is, their groups, the ticket's enctype and the bindings hash",
          "[integration][decode][keys]") {
  const auto samba = run_authctx({"--format", "text", "--color", "never", "decode", "--keytab",
                                  kData + "samba_http.keytab", kData + "samba_spnego_rc4.json"});
  INFO(samba.out << samba.err);
  REQUIRE(samba.exit_code == 0);
  CHECK(samba.out.find("✔ decoded  opened 3 of 3 encrypted parts") != std::string::npos);
  CHECK(samba.out.find("AP-REQ HTTP/localhost@AD.AUTHCTX.TEST rc4-hmac kvno 2") != std::string::npos);
  CHECK(samba.out.find("opened ticket: alice@AD.AUTHCTX.TEST, session key aes256-cts") != std::string::npos);
  CHECK(samba.out.find("PAC: AUTHCTX\\alice S-1-5-21-2724309713-1845307091-1617779520-1102; groups 513 (Domain "
                       "Users) 1103 S-1-18-1; UPN alice@ad.authctx.test") != std::string::npos);
  CHECK(samba.out.find("opened AP-REP: at ") != std::string::npos);
  // The same from a captured HTTP header on stdin, as a service owner would paste it.
  const std::string header =
      "Authorization: Negotiate " + authctx::util::base64_encode(leg_bytes("samba_spnego_rc4.json", 0));
  const auto pasted =
      run_authctx({"--format", "json", "decode", "--keytab", kData + "samba_http.keytab"}, {}, header + "\n");
  REQUIRE(pasted.exit_code == 0);
  const auto pdoc = pasted.json();
  CHECK(pdoc["tokens"][0]["form"] == "header");
  const auto* li = find_type(pdoc, "mspac.logon_info");
  REQUIRE(li != nullptr);
  CHECK((*li)["user_id"] == 1102);
  const auto mit = run_authctx({"--format", "text", "--color", "never", "decode", "--keytab", kData + "mit.keytab",
                                kData + "mit_krb5_deleg_cb.json"});
  REQUIRE(mit.exit_code == 0);
  CHECK(mit.out.find("opened 4 of 5 encrypted parts") != std::string::npos);
  CHECK(mit.out.find("bindings " + authctx::test::gss_bindings_md5_hex("authctx-test-bindings") +
                     "; flags deleg mutual replay conf integ trans; delegated credentials") != std::string::npos);
  CHECK(mit.out.find("not opened: the ticket is for krbtgt/AUTHCTX.TEST@AUTHCTX.TEST, kvno 1") != std::string::npos);
  CHECK(mit.out.find("opened KRB-CRED: krbtgt/AUTHCTX.TEST@AUTHCTX.TEST for alice@AUTHCTX.TEST") != std::string::npos);
}

TEST_CASE("decode --keytab: a stale keytab exits 4 naming the kvno the ticket needs and the one held",
          "[integration][decode][keys]") {
  const auto r = run_authctx(
      {"--format", "json", "decode", "--keytab", kData + "mit_stale.keytab", kData + "mit_krb5_deleg_cb.json"},
      {{"KRB5_CONFIG", "/dev/null"}});
  REQUIRE(r.exit_code == 4);
  const std::string sentence =
      "the ticket is for host/localhost@AUTHCTX.TEST, kvno 2, aes256-cts-hmac-sha1-96; the keytab holds "
      "host/localhost@AUTHCTX.TEST kvno 3 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)";
  CHECK(r.err == "authctx: " + sentence + "\n");
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "undecryptable");
  CHECK(doc["error"]["message"] == sentence);
  CHECK(doc["decryption"]["opened"] == 0);
  CHECK(doc["decryption"]["failures"][0]["class"] == "kvno_mismatch");
}

TEST_CASE("decode keys: unreadable key files exit 5 and malformed key options exit 2", "[integration][decode][keys]") {
  const std::string input = kData + "mit_krb5_deleg_cb.json";
  {
    const auto r = run_authctx({"--format", "json", "decode", "--keytab", kData + "missing.keytab", input});
    CHECK(r.exit_code == 5);
    CHECK(r.json()["error"]["class"] == "key_file_unreadable");
    CHECK(r.err.find("missing.keytab") != std::string::npos);
  }
  {
    const auto r = run_authctx({"--format", "json", "decode", "--password-file", kData + "missing.password",
                                "--principal", "alice@AUTHCTX.TEST", input});
    CHECK(r.exit_code == 5);
  }
  {
    const auto r = run_authctx({"--format", "json", "decode", "--key", "aes256-cts-hmac-sha1-96:0011", input});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("32 bytes") != std::string::npos);
  }
  CHECK(run_authctx({"decode", "--password-file", kData + "mit_pwsvc.password", input}).exit_code == 2);
  CHECK(run_authctx({"decode", "--principal", "alice", input}).exit_code == 2);
  // Key files are read, never echoed: the password is nowhere in the output.
  const auto r = run_authctx({"--format", "json", "decode", "--password-file", kData + "samba_websvc.password",
                              "--principal", "websvc@AD.AUTHCTX.TEST", kData + "samba_spnego_rc4.json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Websvc-Pass") == std::string::npos);
  CHECK(r.json()["keys"][0]["salt"] == "AD.AUTHCTX.TESTwebsvc");
  CHECK(r.json()["decryption"]["opened"] == 3);
}

TEST_CASE("decode --keytab on a live lab exchange: bindings hash session key and delegated ticket",
          "[integration][decode][keys][lab]") {
  Lab lab;
  const std::string bindings = "tls-server-end-point:" + std::to_string(std::time(nullptr));
  const auto local = lab.run({"--format", "json", "--show-secrets", "local", "--mech", "spnego", "--target",
                              "host@localhost", "--channel-bindings", bindings, "--delegate", "--messages", "0"});
  INFO(local.err);
  REQUIRE(local.exit_code == 0);
  const auto acceptor = local.json()["acceptor"];
  REQUIRE(authctx::test::has(acceptor["flags"]["granted"], "deleg"));
  TempDir dir;
  const std::string doc_path = dir.path + "/doc.json";
  std::ofstream(doc_path) << local.out;

  const auto r = lab.run({"--format", "json", "--show-secrets", "decode", "--keytab", lab.path("keytab"), doc_path});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto* etp = find_type(doc, "krb5.enc_ticket_part");
  REQUIRE(etp != nullptr);
  CHECK((*etp)["cname"] == "alice");
  CHECK((*etp)["key"]["hex"].get<std::string>().size() == 64);
  // The key the acceptor's context reports (MIT: the acceptor subkey when there is one,
  // RFC 4121 §2) is the subkey its AP-REP carried.
  const auto* rep = find_type(doc, "krb5.enc_ap_rep_part");
  REQUIRE(rep != nullptr);
  const auto key = authctx::util::hex_decode((*rep)["subkey"]["hex"].get<std::string>());
  REQUIRE(key.has_value());
  CHECK(authctx::util::base64_encode(*key) == acceptor["session_key"]["base64"]);
  CHECK((*rep)["subkey"]["enctype"]["id"] == acceptor["session_key"]["enctype"]["id"]);
  const auto* auth = find_type(doc, "krb5.authenticator");
  REQUIRE(auth != nullptr);
  CHECK((*auth)["cksum"]["gss"]["bindings_hash"] == authctx::test::gss_bindings_md5_hex(bindings));
  const auto* cred = find_type(doc, "krb5.enc_krb_cred_part");
  REQUIRE(cred != nullptr);
  CHECK((*cred)["ticket_info"][0]["pname"] == "alice");
  CHECK(authctx::test::has((*cred)["ticket_info"][0]["flags"], "forwarded"));

  SECTION("a JSON Lines transcript of the same kind of run opens just as far") {
    const auto jsonl =
        lab.run({"--format", "jsonl", "local", "--mech", "krb5", "--target", "host@localhost", "--messages", "0"});
    REQUIRE(jsonl.exit_code == 0);
    const std::string path = dir.path + "/run.jsonl";
    std::ofstream(path) << jsonl.out;
    const auto t = lab.run({"--format", "json", "decode", "--keytab", lab.path("keytab"), path});
    INFO(t.err);
    REQUIRE(t.exit_code == 0);
    const auto tdoc = t.json();
    CHECK(tdoc["tokens"].size() == 2);  // the two leg events; the result event's copy is skipped
    CHECK(tdoc["decryption"]["opened"] == 3);
  }
}

TEST_CASE("decode --keytab agrees with tshark's decryption of the same exchange",
          "[integration][decode][keys][tshark]") {
  if (!have_tshark()) {
    WARN("tshark and text2pcap are not installed (scripts/lib.sh installs them)");
    std::exit(77);
  }
  TempDir dir;
  SECTION("MIT: ticket, authenticator with the GSS checksum and the AP-REP") {
    const std::string exchange = "mit_krb5_deleg_cb.json";
    const std::string keytab = kData + "mit.keytab";
    const auto pcap = write_pcap(dir, {krb5_message(leg_bytes(exchange, 0)), krb5_message(leg_bytes(exchange, 1))});
    const auto rows = tshark_fields(
        pcap, keytab,
        {"kerberos.CNameString", "kerberos.crealm", "kerberos.keytype", "kerberos.authtime", "kerberos.cusec",
         "kerberos.gssapi.bdn", "kerberos.gssapi.dlglen", "kerberos.gssapi.checksum.flags.deleg",
         "kerberos.gssapi.checksum.flags.sequence", "kerberos.pac.name", "kerberos.seq_number"});
    REQUIRE(rows.size() == 2);
    const auto doc = decode_with({"--keytab", keytab, kData + exchange});
    const auto& etp = *find_type(doc, "krb5.enc_ticket_part");
    const auto& auth = *find_type(doc, "krb5.authenticator");
    const auto& rep = *find_type(doc, "krb5.enc_ap_rep_part");
    const auto& req = rows[0];
    CHECK(first(req[0]) == etp["cname"].get<std::string>());
    CHECK(first(req[1]) == etp["crealm"].get<std::string>());
    CHECK(first(req[2]) == std::to_string(etp["key"]["enctype"]["id"].get<int>()));
    CHECK(first(req[3]) == tshark_time(etp["authtime"].get<std::string>()));
    CHECK(req[4] == std::to_string(auth["cusec"].get<int>()));
    CHECK(req[5] == auth["cksum"]["gss"]["bindings_hash"].get<std::string>());
    CHECK(req[6] == std::to_string(auth["cksum"]["gss"]["delegation"]["length"].get<int>()));
    CHECK(req[7] == "1");
    CHECK(req[8] == "0");
    CHECK(req[9] == pac_client_name(etp));
    CHECK(first(req[10]) == std::to_string(auth["seq_number"].get<std::int64_t>()));
    CHECK(rows[1][10] == std::to_string(rep["seq_number"].get<std::int64_t>()));
  }
  SECTION("Samba: an RC4 ticket and the PAC's logon info") {
    const std::string exchange = "samba_spnego_rc4.json";
    const std::string keytab = kData + "samba_http.keytab";
    const auto pcap = write_pcap(dir, {krb5_message(leg_bytes(exchange, 0))});
    const auto rows =
        tshark_fields(pcap, keytab,
                      {"kerberos.etype", "kerberos.keytype", "netlogon.rid", "netlogon.group_rid", "nt.sid",
                       "netlogon.user_account_control", "kerberos.pac.upn.dns_name", "netlogon.server"});
    REQUIRE(rows.size() == 1);
    const auto doc = decode_with({"--keytab", keytab, kData + exchange});
    const auto& etp = *find_type(doc, "krb5.enc_ticket_part");
    const auto& li = *find_type(doc, "mspac.logon_info");
    const auto& upn = *find_type(doc, "mspac.upn_dns_info");
    const auto& row = rows[0];
    CHECK(first(row[0]) == "23");                                                    // the ticket: RC4
    CHECK(first(row[1]) == std::to_string(etp["key"]["enctype"]["id"].get<int>()));  // its session key: AES
    CHECK(first(row[1]) == "18");
    CHECK(row[2] == std::to_string(li["user_id"].get<int>()));
    // Wireshark lists the primary group's RID, then each group's.
    std::string groups = std::to_string(li["primary_group_id"].get<int>());
    for (const auto& g : li["groups"]) groups += "|" + std::to_string(g["rid"].get<int>());
    CHECK(row[3] == groups);
    CHECK(row[4].find(li["user_sid"].get<std::string>()) != std::string::npos);
    char uac[16];
    std::snprintf(uac, sizeof uac, "0x%08x", li["user_account_control"]["value"].get<unsigned>());
    CHECK(row[5] == uac);
    CHECK(row[6] == upn["dns_domain_name"].get<std::string>());
    CHECK(row[7] == li["logon_server"].get<std::string>());
  }
}
