#include "gss/context.hpp"

namespace authctx::gss {
namespace {
struct BindingsDesc {
  gss_channel_bindings_struct cb{};
  gss_channel_bindings_t get(const ChannelBindings* b) {
    if (b == nullptr) return GSS_C_NO_CHANNEL_BINDINGS;
    cb.initiator_addrtype = GSS_C_AF_UNSPEC;
    cb.acceptor_addrtype = GSS_C_AF_UNSPEC;
    cb.application_data = input_buffer(b->application_data);
    return &cb;
  }
};
}  // namespace

StepResult InitiatorContext::step(std::span<const std::uint8_t> input, const InitParams& params) {
  StepResult r;
  OM_uint32 minor = 0;
  auto in = input_buffer(input);
  Buffer out;
  BindingsDesc cb;
  gss_OID actual = GSS_C_NO_OID;
  const OM_uint32 major = gss_init_sec_context(
      &minor, params.cred != nullptr ? params.cred->get() : GSS_C_NO_CREDENTIAL, ctx_.ptr_keep(),
      params.target != nullptr ? params.target->get() : GSS_C_NO_NAME, params.mech.get(), params.req_flags, 0,
      cb.get(params.bindings), input.empty() ? GSS_C_NO_BUFFER : &in, &actual, out.ptr(), &r.ret_flags, &r.time_rec);
  // Capture the error before anything else calls into the library (see status.hpp).
  if (GSS_ERROR(major)) r.error.emplace("init_sec_context", major, minor, &params.mech);
  r.mech = Oid::from_gss(actual);
  r.token = out.to_bytes();
  r.complete = !GSS_ERROR(major) && (major & GSS_S_CONTINUE_NEEDED) == 0;
  return r;
}

StepResult AcceptorContext::step(std::span<const std::uint8_t> input, const Cred* cred,
                                 const ChannelBindings* bindings) {
  StepResult r;
  OM_uint32 minor = 0;
  auto in = input_buffer(input);
  Buffer out;
  BindingsDesc cb;
  gss_OID actual = GSS_C_NO_OID;
  gss_name_t src = GSS_C_NO_NAME;
  gss_cred_id_t deleg = GSS_C_NO_CREDENTIAL;
  const OM_uint32 major =
      gss_accept_sec_context(&minor, ctx_.ptr_keep(), cred != nullptr ? cred->get() : GSS_C_NO_CREDENTIAL, &in,
                             cb.get(bindings), &src, &actual, out.ptr(), &r.ret_flags, &r.time_rec, &deleg);
  const Oid mech = Oid::from_gss(actual);
  if (GSS_ERROR(major)) r.error.emplace("accept_sec_context", major, minor, mech.empty() ? nullptr : &mech);
  if (src != GSS_C_NO_NAME) source_ = Name(src);
  if (deleg != GSS_C_NO_CREDENTIAL) delegated_ = CredHandle(deleg);
  r.mech = mech;
  r.token = out.to_bytes();
  r.complete = !GSS_ERROR(major) && (major & GSS_S_CONTINUE_NEEDED) == 0;
  return r;
}

Wrapped wrap(const ContextHandle& ctx, bool conf, std::span<const std::uint8_t> message) {
  OM_uint32 minor = 0;
  auto in = input_buffer(message);
  Buffer out;
  int conf_state = 0;
  const OM_uint32 major = gss_wrap(&minor, ctx.get(), conf ? 1 : 0, GSS_C_QOP_DEFAULT, &in, &conf_state, out.ptr());
  if (GSS_ERROR(major)) throw GssError("wrap", major, minor);
  return {out.to_bytes(), conf_state != 0};
}

Unwrapped unwrap(const ContextHandle& ctx, std::span<const std::uint8_t> token) {
  OM_uint32 minor = 0;
  // MIT's gss_unwrap writes into its input: for an integrity-only CFX token (RFC 4121
  // §4.2.4) it moves the plaintext in front of the header to checksum them in place. The
  // caller's bytes are const (and may be recorded afterwards): unwrap a copy.
  const Bytes scratch(token.begin(), token.end());
  auto in = input_buffer(scratch);
  Buffer out;
  int conf_state = 0;
  gss_qop_t qop = 0;
  const OM_uint32 major = gss_unwrap(&minor, ctx.get(), &in, out.ptr(), &conf_state, &qop);
  if (GSS_ERROR(major)) throw GssError("unwrap", major, minor);
  return {out.to_bytes(), conf_state != 0};
}

Bytes get_mic(const ContextHandle& ctx, std::span<const std::uint8_t> message) {
  OM_uint32 minor = 0;
  auto in = input_buffer(message);
  Buffer out;
  const OM_uint32 major = gss_get_mic(&minor, ctx.get(), GSS_C_QOP_DEFAULT, &in, out.ptr());
  if (GSS_ERROR(major)) throw GssError("get_mic", major, minor);
  return out.to_bytes();
}

void verify_mic(const ContextHandle& ctx, std::span<const std::uint8_t> message, std::span<const std::uint8_t> mic) {
  OM_uint32 minor = 0;
  auto msg = input_buffer(message);
  auto tok = input_buffer(mic);
  gss_qop_t qop = 0;
  const OM_uint32 major = gss_verify_mic(&minor, ctx.get(), &msg, &tok, &qop);
  if (GSS_ERROR(major)) throw GssError("verify_mic", major, minor);
}

}  // namespace authctx::gss
