// Two buffer types, as GSS-API has two kinds of memory: input buffers are the caller's
// memory (input_buffer() makes a non-owning gss_buffer_desc over a byte span), output
// buffers are the library's (Buffer releases them with gss_release_buffer). BufferSet
// does the same for gss_buffer_set_t.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gss/gss.hpp"
#include "util/bytes.hpp"

namespace authctx::gss {

using Bytes = util::Bytes;

gss_buffer_desc input_buffer(std::span<const std::uint8_t> bytes);
gss_buffer_desc input_buffer(const std::string& text);

class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&& o) noexcept : b_(o.b_) { o.b_ = GSS_C_EMPTY_BUFFER; }
  Buffer& operator=(Buffer&& o) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  gss_buffer_t ptr() { return &b_; }
  bool empty() const { return b_.length == 0; }
  std::size_t size() const { return b_.length; }
  std::span<const std::uint8_t> bytes() const { return {static_cast<const std::uint8_t*>(b_.value), b_.length}; }
  Bytes to_bytes() const { return {bytes().begin(), bytes().end()}; }
  std::string str() const { return {static_cast<const char*>(b_.value), b_.length}; }

 private:
  gss_buffer_desc b_ = GSS_C_EMPTY_BUFFER;
};

class BufferSet {
 public:
  BufferSet() = default;
  BufferSet(BufferSet&& o) noexcept : s_(o.s_) { o.s_ = GSS_C_NO_BUFFER_SET; }
  BufferSet(const BufferSet&) = delete;
  BufferSet& operator=(const BufferSet&) = delete;
  BufferSet& operator=(BufferSet&&) = delete;
  ~BufferSet();

  gss_buffer_set_t* ptr() { return &s_; }
  std::size_t count() const { return s_ == GSS_C_NO_BUFFER_SET ? 0 : s_->count; }
  std::span<const std::uint8_t> at(std::size_t i) const {
    return {static_cast<const std::uint8_t*>(s_->elements[i].value), s_->elements[i].length};
  }

 private:
  gss_buffer_set_t s_ = GSS_C_NO_BUFFER_SET;
};

}  // namespace authctx::gss
