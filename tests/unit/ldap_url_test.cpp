// ldap:// and ldaps:// URLs and --resolve entries as `authctx client --url` takes them.
#include <catch2/catch.hpp>

#include "ldap/errors.hpp"
#include "ldap/url.hpp"

using namespace authctx::ldap;

TEST_CASE("ldap url: default ports and lower-cased hosts", "[ldap][url]") {
  const auto u = parse_url("ldap://DC1.Example.COM");
  CHECK(u.scheme == "ldap");
  CHECK(u.host == "dc1.example.com");
  CHECK(u.port == 389);
  CHECK_FALSE(u.tls());
  CHECK_FALSE(u.ip_literal);
  const auto s = parse_url("LDAPS://dc1.example.com/");
  CHECK(s.tls());
  CHECK(s.port == 636);
  CHECK(s.text() == "ldaps://dc1.example.com:636");
}

TEST_CASE("ldap url: explicit ports and address literals", "[ldap][url]") {
  const auto v4 = parse_url("ldap://127.0.0.2:1389");
  CHECK(v4.port == 1389);
  CHECK(v4.ip_literal);
  const auto v6 = parse_url("ldap://[::1]:3268");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 3268);
  CHECK(v6.ip_literal);
  CHECK(v6.text() == "ldap://[::1]:3268");
}

TEST_CASE("ldap url: what a bind check cannot use is refused", "[ldap][url]") {
  CHECK_THROWS_AS(parse_url("http://dc1/"), Error);
  CHECK_THROWS_AS(parse_url("dc1.example.com"), Error);
  CHECK_THROWS_AS(parse_url("ldap://dc1/dc=example,dc=com"), Error);
  CHECK_THROWS_AS(parse_url("ldap://admin:pw@dc1/"), Error);
  CHECK_THROWS_AS(parse_url("ldap://dc1:0"), Error);
  CHECK_THROWS_AS(parse_url("ldap://dc1:70000"), Error);
  CHECK_THROWS_AS(parse_url("ldap://"), Error);
  CHECK_THROWS_AS(parse_url("ldap://[::1"), Error);
  try {
    parse_url("ldaps://dc1:port");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(std::string(e.what()).find("bad port 'port'") != std::string::npos);
  }
}

TEST_CASE("ldap url: --resolve sends a host and port to an address", "[ldap][url]") {
  const auto r = parse_resolve("DC1.ad.authctx.test:389:127.0.0.2");
  CHECK(r.host == "dc1.ad.authctx.test");
  CHECK(r.port == 389);
  CHECK(r.address == "127.0.0.2");
  const auto v6 = parse_resolve("+dc1:636:[::1],127.0.0.1");
  CHECK(v6.address == "::1");
  const auto url = parse_url("ldap://dc1.ad.authctx.test");
  CHECK(connect_host(url, {r}) == "127.0.0.2");
  CHECK(connect_host(parse_url("ldap://dc1.ad.authctx.test:1389"), {r}) == "dc1.ad.authctx.test");
  CHECK_THROWS_AS(parse_resolve("dc1:389"), Error);
  CHECK_THROWS_AS(parse_resolve("dc1:389:dc2"), Error);
  CHECK_THROWS_AS(parse_resolve(":389:127.0.0.1"), Error);
}
