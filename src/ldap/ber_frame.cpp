#include "ldap/ber_frame.hpp"

#include <cstdio>
#include <vector>

namespace authctx::ldap {
namespace {

std::string hex_octet(std::uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", b);
  return buf;
}

// What a peer that does not speak LDAP probably speaks, from its first octet.
std::string guess_peer(ByteView prefix) {
  const std::uint8_t b = prefix[0];
  if (b == 0x16 || b == 0x15)
    return "the server answered with a TLS record: it expects TLS from the start, use ldaps:// (or the plain LDAP "
           "port for ldap:// and --starttls)";
  // The stream has read only two octets when it judges, so two are enough to name a peer.
  if (b == 'H' && prefix.size() >= 2 && prefix[1] == 'T')
    return "the server answered in HTTP: the URL points at a web server, not a directory";
  if (b == 'S' && prefix.size() >= 2 && prefix[1] == 'S') return "the server is an SSH server, not a directory";
  if (b == 0x00)
    return "the first octet is 0: if a SASL security layer is active this is a 4-byte buffer length, which the "
           "client has not negotiated";
  return "the server does not speak LDAP: check the host and port in the URL";
}

struct Header {
  std::size_t header_length = 0;
  std::size_t content_length = 0;
  bool constructed = false;
};

// Reads one TLV header at pos within [0, end). Returns a problem sentence, or nothing.
std::optional<Diagnostic> read_header(ByteView data, std::size_t pos, std::size_t end, Header& out) {
  std::size_t p = pos;
  if (p >= end) return Diagnostic{pos, "truncated: an element header was expected"};
  const std::uint8_t id = data[p++];
  out.constructed = (id & 0x20) != 0;
  if ((id & 0x1f) == 0x1f) {  // high tag number form (X.690 §8.1.2.4)
    std::size_t n = 0;
    while (true) {
      if (p >= end) return Diagnostic{pos, "truncated tag number"};
      const std::uint8_t b = data[p++];
      if (++n > 4) return Diagnostic{p - 1, "tag number longer than 4 octets"};
      if ((b & 0x80) == 0) break;
    }
  }
  if (p >= end) return Diagnostic{p, "truncated: the length octet is missing"};
  const std::uint8_t first = data[p++];
  std::size_t length = 0;
  if (first == 0x80) return Diagnostic{p - 1, "indefinite length (0x80) is not allowed in LDAP (RFC 4511 §5.1)"};
  if (first == 0xff) return Diagnostic{p - 1, "reserved length octet 0xff (X.690 §8.1.3.5)"};
  if ((first & 0x80) != 0) {
    const std::size_t n = first & 0x7fu;
    if (n > 4) return Diagnostic{p - 1, std::to_string(n) + " length octets: more than 4 are refused"};
    if (end - p < n) return Diagnostic{p, "truncated length octets"};
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | data[p++];
  } else {
    length = first;
  }
  if (length > end - p)
    return Diagnostic{pos, "element of " + std::to_string(length) + " bytes overruns its container (" +
                               std::to_string(end - p) + " bytes left)"};
  out.header_length = p - pos;
  out.content_length = length;
  return std::nullopt;
}

}  // namespace

MessageProbe probe_message(ByteView prefix, std::size_t max_message) {
  MessageProbe r;
  if (prefix.size() < 2) {
    if (!prefix.empty() && prefix[0] != 0x30) {
      r.status = MessageProbe::Status::error;
      r.error = Diagnostic{0, "first octet " + hex_octet(prefix[0]) + " is not an LDAPMessage (SEQUENCE, 0x30)"};
      r.hint = guess_peer(prefix);
      return r;
    }
    r.need = 2;
    return r;
  }
  if (prefix[0] != 0x30) {
    r.status = MessageProbe::Status::error;
    r.error = Diagnostic{0, "first octet " + hex_octet(prefix[0]) + " is not an LDAPMessage (SEQUENCE, 0x30)"};
    r.hint = guess_peer(prefix);
    return r;
  }
  const std::uint8_t first = prefix[1];
  std::size_t length = 0;
  std::size_t header = 2;
  if (first == 0x80 || first == 0xff) {
    r.status = MessageProbe::Status::error;
    r.error = Diagnostic{1, first == 0x80 ? "indefinite length (0x80) is not allowed in LDAP (RFC 4511 §5.1)"
                                          : "reserved length octet 0xff (X.690 §8.1.3.5)"};
    r.hint = "the server does not speak LDAP as RFC 4511 requires";
    return r;
  }
  if ((first & 0x80) != 0) {
    const std::size_t n = first & 0x7fu;
    if (n > 4) {
      r.status = MessageProbe::Status::error;
      r.error = Diagnostic{1, std::to_string(n) + " length octets: more than 4 are refused"};
      r.hint = "the server does not speak LDAP, or sends a message no client could allocate";
      return r;
    }
    header = 2 + n;
    if (prefix.size() < header) {
      r.need = header;
      return r;
    }
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | prefix[2 + i];
  } else {
    length = first;
  }
  if (length > max_message || header + length > max_message) {
    r.status = MessageProbe::Status::error;
    r.error = Diagnostic{1, "the server announced a message of " + std::to_string(header + length) +
                                " bytes, over the limit of " + std::to_string(max_message) + " bytes"};
    r.hint = "raise --max-token-size if the server is genuine (a root DSE with many values can be large)";
    return r;
  }
  r.status = MessageProbe::Status::complete;
  r.header_length = header;
  r.content_length = length;
  return r;
}

std::optional<Diagnostic> check_structure(ByteView message, std::size_t max_depth) {
  struct Frame {
    std::size_t pos;
    std::size_t end;
  };
  std::vector<Frame> stack;
  stack.push_back({0, message.size()});
  Header h;
  if (auto problem = read_header(message, 0, message.size(), h)) return problem;
  if (!h.constructed) return Diagnostic{0, "an LDAPMessage must be a constructed SEQUENCE"};
  if (h.header_length + h.content_length != message.size())
    return Diagnostic{
        h.header_length + h.content_length,
        std::to_string(message.size() - h.header_length - h.content_length) + " trailing bytes after the LDAPMessage"};
  stack.back() = {h.header_length, message.size()};
  while (!stack.empty()) {
    auto& top = stack.back();
    if (top.pos == top.end) {
      stack.pop_back();
      continue;
    }
    const std::size_t at = top.pos;
    if (auto problem = read_header(message, at, top.end, h)) return problem;
    top.pos = at + h.header_length + h.content_length;
    if (h.constructed && h.content_length > 0) {
      if (stack.size() >= max_depth)
        return Diagnostic{at, "nesting deeper than " + std::to_string(max_depth) + " levels"};
      stack.push_back({at + h.header_length, at + h.header_length + h.content_length});
    }
  }
  return std::nullopt;
}

}  // namespace authctx::ldap
