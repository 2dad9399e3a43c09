// Hostile input to the pieces that read what a peer sends, without a network: the bounded
// JSON parser, the authctx framing's JSON bodies (types checked, depth bounded), text
// escaped for the terminal, the token mech read before the first accept step, and trace
// lines with their key fingerprints. (Secret ranges of tokens: secrets_test.cpp.)
#include <catch2/catch.hpp>

#include <string>

#include "engine/trace.hpp"
#include "gss/oid.hpp"
#include "json/json.hpp"
#include "text/view.hpp"
#include "transport/frame_bodies.hpp"
#include "util/errors.hpp"
#include "util/printable.hpp"

namespace {

using authctx::json::Json;
using authctx::transport::Body;
using authctx::transport::read_body;

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// The class and message of the transport error read_body throws.
std::pair<std::string, std::string> body_error(Body kind, const std::string& text) {
  try {
    (void)read_body(kind, bytes(text));
  } catch (const authctx::util::Error& e) {
    CHECK(e.kind() == authctx::util::ErrorKind::transport);
    return {e.error_class(), e.what()};
  }
  return {"", ""};
}
}  // namespace

TEST_CASE("json: nesting depth counts brackets outside strings only", "[json][hostile]") {
  using authctx::json::nesting_depth;
  CHECK(nesting_depth(R"({"a":[1,{"b":[]}]})", 100) == 4);
  CHECK(nesting_depth(R"({"a":"[[[[[[[[["})", 100) == 1);
  CHECK(nesting_depth(R"(["\"[[[[", ["\\"]])", 100) == 2);
  CHECK(nesting_depth(nested_arrays(60000), 32) == 33);  // stops counting past the limit
  CHECK(nesting_depth("]]]][", 10) == 1);
}

TEST_CASE("json: parse refuses text nested deeper than the limit without recursing", "[json][hostile]") {
  const auto deep = authctx::json::parse(nested_arrays(60000));
  CHECK(deep.is_discarded());
  const auto ok = authctx::json::parse(nested_arrays(128));
  CHECK(ok.is_array());
  CHECK(authctx::json::parse(nested_arrays(129)).is_discarded());
  CHECK(authctx::json::parse("{\"a\":1}", {4, 3}).is_discarded());  // over max_bytes
  CHECK(authctx::json::parse_object("[1]").is_discarded());
  CHECK(authctx::json::parse("{\"a\":").is_discarded());
}

TEST_CASE("frames: a 60000-deep ERROR or HELLO body is a malformed frame", "[frames][hostile]") {
  const auto [cls, message] = body_error(Body::error, "{\"error\":" + nested_arrays(60000) + "}");
  CHECK(cls == "malformed_frame");
  CHECK(message == "the peer's ERROR frame: its JSON nests more than 32 levels deep");
  CHECK(body_error(Body::hello, nested_arrays(60000)).first == "malformed_frame");
  CHECK(body_error(Body::accepted, "{\"context\":" + nested_arrays(40) + "}").first == "malformed_frame");
}

TEST_CASE("frames: wrongly typed JSON in HELLO ERROR ACCEPTED and RESULTS is named", "[frames][hostile]") {
  CHECK(body_error(Body::hello, R"({"protocol":7})").second ==
        "the peer's HELLO frame: protocol is an integer, expected a string");
  CHECK(body_error(Body::hello, R"({"messages":1})").second == "the peer's HELLO frame: protocol is missing");
  CHECK(body_error(Body::hello, R"({"protocol":"authctx/1","messages":-1})").second ==
        "the peer's HELLO frame: messages is a negative integer, expected a non-negative integer");
  CHECK(body_error(Body::hello, R"([1,2])").second == "the peer's HELLO frame: it is an array, expected an object");
  CHECK(body_error(Body::hello, "not json").second == "the peer's HELLO frame: it is not JSON");
  CHECK(body_error(Body::error, R"({"error":"boom"})").second ==
        "the peer's ERROR frame: error is a string, expected an object");
  CHECK(body_error(Body::error, R"({"error":{"stage":5}})").second ==
        "the peer's ERROR frame: error.stage is an integer, expected a string or null");
  CHECK(body_error(Body::error, R"({"error":{"major":{"code":"x"}}})").second ==
        "the peer's ERROR frame: error.major.code is a string, expected a non-negative integer");
  CHECK(body_error(Body::error, R"({"error":{"major":{"text":["a",{}]}}})").second ==
        "the peer's ERROR frame: error.major.text[1] is an object, expected a string");
  CHECK(body_error(Body::error, R"({"error":{"side":"both"}})").second ==
        "the peer's ERROR frame: error.side is not one of initiator|acceptor");
  CHECK(body_error(Body::error, R"({"error":{},"token_base64":"!!!"})").second ==
        "the peer's ERROR frame: token_base64 is not base64");
  CHECK(body_error(Body::accepted, R"({"context":{"lifetime_seconds":"long"}})").second ==
        "the peer's ACCEPTED frame: context.lifetime_seconds is a string, expected a non-negative integer");
  CHECK(body_error(Body::accepted, R"({"context":{"name_attributes":[{"value_lengths":[-3]}]}})").second ==
        "the peer's ACCEPTED frame: context.name_attributes[0].value_lengths[0] is a negative integer, expected a "
        "non-negative integer");
  CHECK(body_error(Body::accepted, R"({"context":{"flags":{"granted":"all"}}})").second ==
        "the peer's ACCEPTED frame: context.flags.granted is a string, expected an array");
  CHECK(body_error(Body::results, R"({"messages":{}})").second ==
        "the peer's RESULTS frame: messages is an object, expected an array");
  CHECK(body_error(Body::results, R"({"messages":[{"kind":"wrap","direction":"up"}]})").second ==
        "the peer's RESULTS frame: messages[0].direction is not one of initiator->acceptor|acceptor->initiator");
  CHECK(body_error(Body::results, R"({"messages":[{"kind":"wrap","direction":"acceptor->initiator","ok":"yes"}]})")
            .second == "the peer's RESULTS frame: messages[0].ok is a string, expected a boolean");
}

TEST_CASE("frames: well-formed bodies pass with unknown keys kept", "[frames]") {
  const auto hello = read_body(Body::hello, bytes(R"({"protocol":"authctx/1","messages":3,"future":{"x":1}})"));
  CHECK(hello["messages"] == 3);
  CHECK(hello["future"]["x"] == 1);
  const auto error = read_body(
      Body::error,
      bytes(R"({"error":{"stage":"accept_sec_context","side":"acceptor","major":{"code":851968,"routine":"GSS_S_FAILURE",)"
            R"("calling":null,"supplementary":[],"text":["x"]},"minor":{"code":-1765328359,"text":"y"},"mech":null,)"
            R"("message":"m","class":"c","hint":"h"},"token_base64":"YWJj"})"));
  CHECK(error["error"]["minor"]["code"] == -1765328359);
  const auto accepted = read_body(Body::accepted, bytes(R"({"established":true,"context":null})"));
  CHECK(accepted["context"].is_null());
  const auto results = read_body(
      Body::results,
      bytes(R"({"messages":[{"kind":"mic","direction":"initiator->acceptor","length":28,"ok":true}]})"));
  CHECK(results["messages"].size() == 1);
}

TEST_CASE("printable: control characters and escape sequences are written visibly", "[text][hostile]") {
  using authctx::util::printable;
  CHECK(printable("alice@AUTHCTX.TEST") == "alice@AUTHCTX.TEST");
  CHECK(printable("caf\xc3\xa9 \xe2\x9c\x94") == "caf\xc3\xa9 \xe2\x9c\x94");  // UTF-8 stays
  CHECK(printable("\x1b[31mred\x1b]0;title\x07") == "\\e[31mred\\e]0;title\\x07");
  CHECK(printable("a\nb\rc\td\x7f") == "a\\nb\\rc\\td\\x7f");
  CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
  CHECK(printable("\xc2\x9b" "2J") == "\\u009b2J");           // C1 CSI as UTF-8
  CHECK(printable("\x9b" "2J") == "\\x9b2J");                 // a raw C1 byte is not UTF-8
  CHECK(printable("\xe2\x80\xae" "gnp.exe") == "\\u202egnp.exe");  // right-to-left override
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");               // overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");      // a UTF-16 surrogate
  CHECK(printable("\xf0\x9f\x98") == "\\xf0\\x9f\\x98");      // truncated sequence
  CHECK(authctx::util::is_printable("host/localhost"));
  CHECK_FALSE(authctx::util::is_printable("a\x1b"));
}

TEST_CASE("text view: peer strings cannot drive the terminal", "[text][hostile]") {
  const std::string evil = "\x1b]0;pwned\x07\x1b[2J\x1b[31mEVIL\r\n\xc2\x9b" "1m";
  Json doc{{"schema", "authctx/1"},
           {"command", "client"},
           {"established", false},
           {"legs", Json::array({Json{{"index", 1},
                                      {"direction", "acceptor->initiator"},
                                      {"length", 10},
                                      {"decoded",
                                       {{"type", "krb5.krb_error"},
                                        {"error_code", {{"code", 7}, {"name", evil}}},
                                        {"e_text", evil},
                                        {"realm", evil},
                                        {evil, evil}}}}})},
           {"initiator", {{"source_name", evil}, {"target_name", evil}, {"mech", {{"name", evil}, {"oid", "1"}}}}},
           {"acceptor", {{"source_name", evil}}},
           {"warnings", Json::array({Json{{"class", evil}, {"message", evil}, {"hint", evil}}})},
           {"error", {{"class", evil}, {"stage", evil}, {"message", evil}, {"hint", evil}, {"side", evil}}}};
  for (const bool verbose : {false, true}) {
    const auto out = authctx::text::render_text(doc, {false, verbose});
    INFO(out);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    CHECK(out.find("\xc2\x9b") == std::string::npos);
    CHECK(out.find("\\e]0;pwned\\x07\\e[2J\\e[31mEVIL\\r\\n\\u009b1m") != std::string::npos);
  }
  // With colour on, the only escapes are the view's own SGR sequences.
  const auto coloured = authctx::text::render_text(doc, {true, true});
  CHECK(coloured.find("\x1b]") == std::string::npos);
  CHECK(coloured.find("\x1b[2J") == std::string::npos);
}

TEST_CASE("gss: the mech of an initial context token is read from its header", "[gss][hostile]") {
  using authctx::gss::initial_token_mech;
  const std::vector<std::uint8_t> iakerb{0x60, 0x10, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05, 0x05, 0x01};
  REQUIRE(initial_token_mech(iakerb));
  CHECK(initial_token_mech(iakerb)->dotted() == "1.3.6.1.5.2.5");
  const std::vector<std::uint8_t> long_form{0x60, 0x82, 0x02, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                            0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00};
  REQUIRE(initial_token_mech(long_form));
  CHECK(initial_token_mech(long_form)->dotted() == "1.2.840.113554.1.2.2");
  CHECK_FALSE(initial_token_mech(std::vector<std::uint8_t>{0xa1, 0x03}));
  CHECK_FALSE(initial_token_mech(std::vector<std::uint8_t>{0x60}));
  CHECK_FALSE(initial_token_mech(std::vector<std::uint8_t>{0x60, 0x85, 1, 2, 3, 4, 5, 0x06, 1, 1}));
  CHECK_FALSE(initial_token_mech(std::vector<std::uint8_t>{0x60, 0x05, 0x06, 0x09, 0x2a}));  // OID runs past the end
  CHECK_FALSE(initial_token_mech(std::vector<std::uint8_t>{}));
}

TEST_CASE("trace: key fingerprints and hex dumps are redacted", "[trace][secrets]") {
  using authctx::engine::redact_trace_line;
  CHECK(redact_trace_line("Decrypted AS reply; session key is: aes256-cts/B227") ==
        "Decrypted AS reply; session key is: aes256-cts/[redacted]");
  CHECK(redact_trace_line("Creating authenticator for alice@AUTHCTX.TEST -> host/localhost@AUTHCTX.TEST, seqnum "
                          "1064900775, subkey aes256-cts/AE1C, session key aes256-cts/AF55") ==
        "Creating authenticator for alice@AUTHCTX.TEST -> host/localhost@AUTHCTX.TEST, seqnum 1064900775, subkey "
        "aes256-cts/[redacted], session key aes256-cts/[redacted]");
  CHECK(redact_trace_line("AS key obtained for encrypted timestamp: rc4-hmac/0A1B") ==
        "AS key obtained for encrypted timestamp: rc4-hmac/[redacted]");
  CHECK(redact_trace_line("Decrypted AP-REQ with server principal host/localhost@X: 23/FFFF") ==
        "Decrypted AP-REQ with server principal host/localhost@X: 23/[redacted]");
  CHECK(redact_trace_line("Encrypted timestamp (for 1795710084.116689): plain 301AA011180F3230, encrypted "
                          "FB18C434D2916D6F13E329D30DCFA70B") ==
        "Encrypted timestamp (for 1795710084.116689): plain [redacted], encrypted [redacted]");
  // Not fingerprints: a principal whose instance is four hex digits, ordinary numbers.
  CHECK(redact_trace_line("Getting credentials alice@X -> host/BEEF@X") == "Getting credentials alice@X -> host/BEEF@X");
  CHECK(redact_trace_line("Received answer (802 bytes) from stream 127.0.0.1:51595") ==
        "Received answer (802 bytes) from stream 127.0.0.1:51595");
  CHECK(redact_trace_line("etypes requested in TGS request: aes256-cts, aes128-cts") ==
        "etypes requested in TGS request: aes256-cts, aes128-cts");
}
