# authctx_library(NAME [SOURCES file...] [LINKS target...]): the library of one folder,
# src/NAME (or cli/), as target authctx_NAME. Its sources see only the folders it links:
# each library's include directory is a folder of its own in the build tree holding one
# symbolic link, NAME -> the source folder, and target_link_libraries propagates these
# include directories along the declared (PUBLIC) links. So `#include "engine/x.hpp"` from
# a folder that does not link authctx_engine, directly or through what it links, fails to
# compile: the build refuses an include from a layer above. The layering test
# (tests/unit/layering_test.cpp) states the same arrows as a table and checks every file.
function(authctx_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINKS" ${ARGN})
  set(target authctx_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  set(include_root ${PROJECT_BINARY_DIR}/include/${name})
  file(MAKE_DIRECTORY ${include_root})
  if(NOT EXISTS ${include_root}/${name})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${include_root}/${name} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${include_root})
  target_link_libraries(${target} PUBLIC ${ARG_LINKS} authctx_sanitizers PRIVATE authctx_warnings)
  authctx_tidy(${target} ${name})
endfunction()

# The sources of the calling folder (every .cpp directly in it).
macro(authctx_folder_sources var)
  file(GLOB ${var} CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
endmacro()
