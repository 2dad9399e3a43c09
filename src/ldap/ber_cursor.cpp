#include "ldap/ber_cursor.hpp"

#include <lber.h>

#include <cstdio>
#include <new>

namespace authctx::ldap::detail {
namespace {

// LBER_DEFAULT is ((ber_tag_t) -1): liblber's "no tag / error".
constexpr ber_tag_t k_no_tag = ~ber_tag_t{0};

std::string tag_text(std::uint32_t t) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", t);
  return buf;
}

// The diagnostics of one message are bounded, like decode::Diagnostics.
constexpr std::size_t k_max_diagnostics = 32;
}  // namespace

BerCursor::BerCursor(ByteView data, std::size_t base, std::vector<Diagnostic>& diagnostics)
    : data_(data), base_(base), diagnostics_(&diagnostics) {
  ber_ = ber_alloc_t(0);
  if (ber_ == nullptr) throw std::bad_alloc();
  // ber_init2 points the element at the caller's bytes without copying them; liblber only
  // writes into them when asked to NUL-terminate strings, which this file never asks.
  berval bv{data.size(), reinterpret_cast<char*>(const_cast<std::uint8_t*>(data.data()))};
  ber_init2(ber_, &bv, 0);
}

BerCursor::~BerCursor() {
  if (ber_ != nullptr) ber_free(ber_, 0);  // 0: the buffer is not liblber's to free
}

BerCursor::BerCursor(BerCursor&& o) noexcept
    : ber_(o.ber_), data_(o.data_), base_(o.base_), diagnostics_(o.diagnostics_), failed_(o.failed_) {
  o.ber_ = nullptr;
  o.failed_ = true;
}

std::size_t BerCursor::offset() const {
  ber_len_t remaining = 0;
  ber_get_option(ber_, LBER_OPT_BER_REMAINING_BYTES, &remaining);
  return base_ + data_.size() - remaining;
}

bool BerCursor::at_end() const {
  if (failed_) return true;
  ber_len_t remaining = 0;
  ber_get_option(ber_, LBER_OPT_BER_REMAINING_BYTES, &remaining);
  return remaining == 0;
}

std::optional<std::uint32_t> BerCursor::peek_tag() const {
  if (failed_ || at_end()) return std::nullopt;
  ber_len_t len = 0;
  const ber_tag_t t = ber_peek_tag(ber_, &len);
  if (t == k_no_tag || t > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(t);
}

void BerCursor::fail_at(std::size_t absolute_offset, std::string message) {
  if (failed_) return;
  failed_ = true;
  if (diagnostics_->size() < k_max_diagnostics) diagnostics_->push_back({absolute_offset, std::move(message)});
}

void BerCursor::fail(std::string message) { fail_at(offset(), std::move(message)); }

bool BerCursor::check_tag(std::uint32_t expected_tag, std::string_view what) {
  if (failed_) return false;
  if (at_end()) {
    fail(std::string(what) + ": missing (the value ends here)");
    return false;
  }
  const auto t = peek_tag();
  if (!t) {
    fail(std::string(what) + ": malformed element");
    return false;
  }
  if (*t != expected_tag) {
    fail(std::string(what) + ": tag " + tag_text(*t) + ", expected " + tag_text(expected_tag));
    return false;
  }
  return true;
}

std::optional<std::int32_t> BerCursor::integer(std::uint32_t expected_tag, std::string_view what) {
  if (!check_tag(expected_tag, what)) return std::nullopt;
  const auto at = offset();
  ber_int_t value = 0;
  // ber_get_int refuses contents longer than a ber_int_t (32 bits) and empty ones.
  if (ber_get_int(ber_, &value) == k_no_tag) {
    fail_at(at, std::string(what) + ": not an integer of at most 32 bits");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(value);
}

std::optional<bool> BerCursor::boolean(std::uint32_t expected_tag, std::string_view what) {
  if (!check_tag(expected_tag, what)) return std::nullopt;
  const auto at = offset();
  ber_int_t value = 0;
  if (ber_get_boolean(ber_, &value) == k_no_tag) {
    fail_at(at, std::string(what) + ": not a BOOLEAN");
    return std::nullopt;
  }
  return value != 0;
}

std::optional<std::string> BerCursor::octets(std::uint32_t expected_tag, std::string_view what) {
  if (!check_tag(expected_tag, what)) return std::nullopt;
  const auto at = offset();
  berval bv{0, nullptr};
  // LBER_BV_NOTERM: in place, without writing a terminator into the message.
  if (ber_get_stringbv(ber_, &bv, LBER_BV_NOTERM) == k_no_tag) {
    fail_at(at, std::string(what) + ": malformed OCTET STRING");
    return std::nullopt;
  }
  return std::string(bv.bv_val, bv.bv_len);
}

std::optional<Bytes> BerCursor::bytes(std::uint32_t expected_tag, std::string_view what) {
  auto s = octets(expected_tag, what);
  if (!s) return std::nullopt;
  return Bytes(s->begin(), s->end());
}

std::optional<BerCursor> BerCursor::enter(std::uint32_t expected_tag, std::string_view what) {
  if (!check_tag(expected_tag, what)) return std::nullopt;
  const auto at = offset();
  berval bv{0, nullptr};
  if (ber_skip_element(ber_, &bv) == k_no_tag) {
    fail_at(at, std::string(what) + ": malformed element");
    return std::nullopt;
  }
  const auto* start = reinterpret_cast<const std::uint8_t*>(bv.bv_val);
  const auto rel = static_cast<std::size_t>(start - data_.data());
  return BerCursor(ByteView(start, bv.bv_len), base_ + rel, *diagnostics_);
}

bool BerCursor::skip(std::string_view what) {
  if (failed_ || at_end()) return false;
  const auto at = offset();
  berval bv{0, nullptr};
  if (ber_skip_element(ber_, &bv) == k_no_tag) {
    fail_at(at, std::string(what) + ": malformed element");
    return false;
  }
  return true;
}

void BerCursor::expect_end(std::string_view what) {
  if (failed_) return;
  ber_len_t remaining = 0;
  ber_get_option(ber_, LBER_OPT_BER_REMAINING_BYTES, &remaining);
  if (remaining != 0) fail(std::string(what) + ": " + std::to_string(remaining) + " unexpected trailing bytes");
}

}  // namespace authctx::ldap::detail
