# authctx_sanitizers: an INTERFACE target carrying -fsanitize=... from AUTHCTX_SANITIZERS,
# linked by every library (authctx_library) and so by every executable of the tree.
#
# UBSan findings stop the program (-fno-sanitize-recover), so a test sees them as a failure
# instead of a line on stderr. With AUTHCTX_FUZZ (clang) the whole tree is also compiled
# with libFuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link): the fuzz targets
# (tests/fuzz) link the same libraries the product does, and the product and the tests in
# that tree still run (the sanitizer runtime provides the coverage hooks). AUTHCTX_FUZZ
# without sanitizers turns on address;undefined: libFuzzer finds little without them.
#
# Runtime options are compiled into each executable (authctx_sanitizer_options), so the
# binaries behave the same under ctest, `ctest --preset asan`, by hand, and as children of
# the tests: the sanitizer runtime asks __asan_default_options, __ubsan_default_options and
# __lsan_default_suppressions at start-up. The suppressions are tests/sanitizers/lsan.supp,
# leaks inside MIT krb5, the GSS-API mechglue and gss-ntlmssp (each entry with its reason);
# everything else fails. ASAN_OPTIONS and friends in the environment still override.
add_library(authctx_sanitizers INTERFACE)
if(AUTHCTX_FUZZ AND NOT AUTHCTX_SANITIZERS)
  set(AUTHCTX_SANITIZERS "address;undefined" CACHE STRING "Semicolon list of sanitizers" FORCE)
endif()
if(AUTHCTX_SANITIZERS)
  list(JOIN AUTHCTX_SANITIZERS "," _authctx_san)
  target_compile_options(authctx_sanitizers INTERFACE -fsanitize=${_authctx_san} -fno-omit-frame-pointer)
  target_link_options(authctx_sanitizers INTERFACE -fsanitize=${_authctx_san})
  if("undefined" IN_LIST AUTHCTX_SANITIZERS)
    target_compile_options(authctx_sanitizers INTERFACE -fno-sanitize-recover=undefined)
  endif()
endif()
if(AUTHCTX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "AUTHCTX_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-14 (or the asan preset)")
  endif()
  target_compile_options(authctx_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

# authctx_sanitizer_options(TARGET): compiles the runtime options into an executable (a
# no-op without sanitizers).
set(_authctx_supp_file ${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp)
set(_authctx_options_cpp ${PROJECT_BINARY_DIR}/sanitizer_options.cpp)
if(AUTHCTX_SANITIZERS)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_authctx_supp_file})
  file(READ ${_authctx_supp_file} _authctx_supp)
  # Only the suppression lines reach the runtime; comments stay in the file.
  string(REGEX REPLACE "#[^\n]*" "" _authctx_supp "${_authctx_supp}")
  string(REGEX REPLACE "\n[ \t]*\n+" "\n" _authctx_supp "${_authctx_supp}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/sanitizer_options.cpp.in ${_authctx_options_cpp} @ONLY)
endif()
function(authctx_sanitizer_options target)
  if(AUTHCTX_SANITIZERS)
    target_sources(${target} PRIVATE ${_authctx_options_cpp})
  endif()
endfunction()
