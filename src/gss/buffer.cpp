#include "gss/buffer.hpp"

namespace authctx::gss {

gss_buffer_desc input_buffer(std::span<const std::uint8_t> bytes) {
  // GSS-API takes input buffers as non-const; it does not write through them.
  return gss_buffer_desc{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
}

gss_buffer_desc input_buffer(const std::string& text) {
  return gss_buffer_desc{text.size(), const_cast<char*>(text.data())};
}

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    Buffer old(std::move(*this));
    b_ = o.b_;
    o.b_ = GSS_C_EMPTY_BUFFER;
  }
  return *this;
}

Buffer::~Buffer() {
  if (b_.value != nullptr || b_.length != 0) {
    OM_uint32 minor = 0;
    gss_release_buffer(&minor, &b_);
  }
}

BufferSet::~BufferSet() {
  if (s_ != GSS_C_NO_BUFFER_SET) {
    OM_uint32 minor = 0;
    gss_release_buffer_set(&minor, &s_);
  }
}

}  // namespace authctx::gss
