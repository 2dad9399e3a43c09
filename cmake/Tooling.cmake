# clang-tidy and clang-format (version 14), both run by the dev preset (CMakePresets.json).
#
# AUTHCTX_CLANG_TIDY: every library made by authctx_library (cmake/Layers.cmake) and the
# executable are checked with the repository's .clang-tidy while they compile; findings are
# errors (WarningsAsErrors in .clang-tidy). Not checked, so that tidy never rewrites them
# under the helpers who own them: the folders in AUTHCTX_TIDY_EXCLUDE.
#
# AUTHCTX_FORMAT_CHECK: target format-check (part of `all`) fails when a formatted file
# differs from what clang-format makes of it; target format rewrites them. The formatted
# files are AUTHCTX_FORMAT_FILES: every folder except those in AUTHCTX_FORMAT_EXCLUDE, and
# the tests the engine reshape wrote (the others keep their hand layout for now).
option(AUTHCTX_CLANG_TIDY "Run clang-tidy on the libraries while compiling" OFF)
option(AUTHCTX_FORMAT_CHECK "Fail the build when formatted files differ from clang-format's output" OFF)
set(AUTHCTX_TIDY_EXCLUDE decode lab krb5 CACHE STRING "Folders (libraries) clang-tidy leaves alone")
set(AUTHCTX_FORMAT_EXCLUDE decode lab krb5 CACHE STRING "src/ folders clang-format leaves alone")

if(AUTHCTX_CLANG_TIDY)
  find_program(AUTHCTX_CLANG_TIDY_EXE NAMES clang-tidy-14 clang-tidy REQUIRED)
  set(AUTHCTX_CLANG_TIDY_COMMAND ${AUTHCTX_CLANG_TIDY_EXE} --quiet)
endif()

# Called by authctx_library for each library target.
function(authctx_tidy target folder)
  if(AUTHCTX_CLANG_TIDY AND NOT folder IN_LIST AUTHCTX_TIDY_EXCLUDE)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${AUTHCTX_CLANG_TIDY_COMMAND}")
  endif()
endfunction()

if(AUTHCTX_FORMAT_CHECK)
  find_program(AUTHCTX_CLANG_FORMAT_EXE NAMES clang-format-14 clang-format REQUIRED)
  file(GLOB AUTHCTX_SRC_FOLDERS LIST_DIRECTORIES true ${PROJECT_SOURCE_DIR}/src/*)
  set(AUTHCTX_FORMAT_FILES)
  foreach(dir ${AUTHCTX_SRC_FOLDERS} ${PROJECT_SOURCE_DIR}/cli ${PROJECT_SOURCE_DIR}/tests/support)
    get_filename_component(folder ${dir} NAME)
    if(IS_DIRECTORY ${dir} AND NOT folder IN_LIST AUTHCTX_FORMAT_EXCLUDE)
      file(GLOB files CONFIGURE_DEPENDS ${dir}/*.cpp ${dir}/*.hpp)
      list(APPEND AUTHCTX_FORMAT_FILES ${files})
    endif()
  endforeach()
  list(APPEND AUTHCTX_FORMAT_FILES ${PROJECT_SOURCE_DIR}/tests/unit/engine_test.cpp
       ${PROJECT_SOURCE_DIR}/tests/unit/layering_test.cpp ${PROJECT_SOURCE_DIR}/tests/integration/utf8_test.cpp)
  add_custom_target(format-check ALL
    COMMAND ${AUTHCTX_CLANG_FORMAT_EXE} --dry-run --Werror --style=file ${AUTHCTX_FORMAT_FILES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format --dry-run on the formatted files" VERBATIM)
  add_custom_target(format
    COMMAND ${AUTHCTX_CLANG_FORMAT_EXE} -i --style=file ${AUTHCTX_FORMAT_FILES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} COMMENT "clang-format -i on the formatted files" VERBATIM)
endif()
