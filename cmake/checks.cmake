# Freestanding check of the core (scripts/freestanding-check.sh): one
# relocatable object per arch (x86-64 kernel flags, aarch64), no undefined
# symbols, no writable data; plus a test OF that check. Host builds only.
if(CMAKE_CROSSCOMPILING)
  return()
endif()
find_program(BASH_PROGRAM bash)
if(NOT BASH_PROGRAM)
  return()
endif()
add_custom_target(freestanding
  COMMAND ${BASH_PROGRAM} ${PROJECT_SOURCE_DIR}/scripts/freestanding-check.sh
          ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/freestanding
  USES_TERMINAL VERBATIM)
add_custom_target(check-format
  COMMAND ${BASH_PROGRAM} ${PROJECT_SOURCE_DIR}/scripts/check-format.sh
  USES_TERMINAL VERBATIM)
if(MMIOEMU_TESTS)
  add_test(NAME freestanding_check
    COMMAND ${BASH_PROGRAM} ${PROJECT_SOURCE_DIR}/scripts/freestanding-check.sh
            ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/freestanding)
  add_test(NAME freestanding_check_catches_libc
    COMMAND ${BASH_PROGRAM} ${PROJECT_SOURCE_DIR}/scripts/test-freestanding-check.sh)
  set_tests_properties(freestanding_check freestanding_check_catches_libc PROPERTIES TIMEOUT 300)
endif()
