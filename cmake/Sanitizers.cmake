# authctx_sanitizers: an INTERFACE target carrying -fsanitize=... from AUTHCTX_SANITIZERS.
add_library(authctx_sanitizers INTERFACE)
if(AUTHCTX_SANITIZERS)
  list(JOIN AUTHCTX_SANITIZERS "," _authctx_san)
  target_compile_options(authctx_sanitizers INTERFACE -fsanitize=${_authctx_san} -fno-omit-frame-pointer)
  target_link_options(authctx_sanitizers INTERFACE -fsanitize=${_authctx_san})
endif()
