# One executable per tests/test_*.c; tests/common/*.c linked into each.
# Criterion normally; the in-process runner (tests/minicrit) with
# MMIOEMU_MINICRIT, e.g. for the aarch64 build run under qemu-aarch64.
file(GLOB MMIOEMU_TEST_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/test_*.c)
file(GLOB MMIOEMU_TEST_COMMON CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/common/*.c)
if(MMIOEMU_MINICRIT)
  add_library(mmioemu_testrt STATIC ${PROJECT_SOURCE_DIR}/tests/minicrit/minicrit.c ${MMIOEMU_TEST_COMMON})
  target_include_directories(mmioemu_testrt PUBLIC ${PROJECT_SOURCE_DIR}/tests/minicrit)
else()
  if(PkgConfig_FOUND)
    pkg_check_modules(CRITERION REQUIRED IMPORTED_TARGET criterion)
  endif()
  add_library(mmioemu_testrt STATIC ${MMIOEMU_TEST_COMMON} ${PROJECT_SOURCE_DIR}/tests/common/empty.c)
  # The shim in front of <criterion/criterion.h> gives cr_fail(fmt, ...) the
  # meaning the common test subset (and minicrit) gives it.
  target_include_directories(mmioemu_testrt BEFORE PUBLIC ${PROJECT_SOURCE_DIR}/tests/minicrit/compat)
  target_link_libraries(mmioemu_testrt PUBLIC PkgConfig::CRITERION)
endif()
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
target_link_libraries(mmioemu_testrt PUBLIC Threads::Threads)
target_include_directories(mmioemu_testrt PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(mmioemu_testrt PUBLIC mmioemu_static ${MMIOEMU_BACKEND_LIBS})
target_compile_definitions(mmioemu_testrt PUBLIC ${MMIOEMU_BACKEND_DEFS}
  MMIOEMU_SOURCE_DIR="${PROJECT_SOURCE_DIR}" MMIOEMU_BINARY_DIR="${PROJECT_BINARY_DIR}")
if(UNICORN_FOUND)
  target_link_libraries(mmioemu_testrt PUBLIC PkgConfig::UNICORN)
  target_compile_definitions(mmioemu_testrt PUBLIC MMIOEMU_HAVE_UNICORN=1)
endif()

foreach(src ${MMIOEMU_TEST_SRC})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
  if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
    # x86-only test bodies sit under #if defined(__x86_64__); their helpers
    # are then unused. Still warned, not fatal; the x86-64 build enforces it.
    target_compile_options(${name} PRIVATE -Wno-error=unused-function
      -Wno-error=unused-variable -Wno-error=unused-const-variable -Wno-error=unused-but-set-variable)
  endif()
  target_link_libraries(${name} PRIVATE mmioemu_testrt)
  add_test(NAME ${name} COMMAND ${name})
  # A file whose every test skipped (each printing its reason: no KVM, not
  # x86, backend not built in) shows as Skipped in CTest, not Passed.
  set_tests_properties(${name} PROPERTIES TIMEOUT 900
    SKIP_REGULAR_EXPRESSION "Synthesis: Tested: 0 \\|")
endforeach()

# Generated arm64 tables must equal a fresh generation from their spec.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME a64_tables_fresh
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/gen_a64_tables.py --check)
endif()
if(Python3_Interpreter_FOUND)
  add_test(NAME x86_tables_fresh
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/gen_x86_tables.py --check)
endif()

# The runner's own test: the outcome line must match exactly (see selftest.c).
add_executable(minicrit_selftest ${PROJECT_SOURCE_DIR}/tests/minicrit/selftest.c
  ${PROJECT_SOURCE_DIR}/tests/minicrit/minicrit.c)
target_include_directories(minicrit_selftest PRIVATE ${PROJECT_SOURCE_DIR}/tests/minicrit)
target_compile_options(minicrit_selftest PRIVATE -Wall -Wextra -Werror)
add_test(NAME minicrit_selftest COMMAND minicrit_selftest)
set_tests_properties(minicrit_selftest PROPERTIES PASS_REGULAR_EXPRESSION
  "Skipped: 1\n\\[====\\] Synthesis: Tested: 6 \\| Passing: 2 \\| Failing: 4 \\| Crashing: 1")
