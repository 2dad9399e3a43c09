# authctx_warnings: an INTERFACE target every project target links privately.
add_library(authctx_warnings INTERFACE)
target_compile_options(authctx_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wformat=2
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(AUTHCTX_WERROR)
  target_compile_options(authctx_warnings INTERFACE -Werror)
endif()
