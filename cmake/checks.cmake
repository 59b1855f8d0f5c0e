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
  # The shared library exports mmioemu_* and nothing else (cmake/mmioemu.map):
  # fails when nm lists any other defined dynamic symbol, or none at all.
  add_test(NAME shared_exports
    COMMAND ${BASH_PROGRAM} -c "syms=$(nm -D --defined-only \"$1\" | awk '{print $3}') || exit 1; [ -n \"$syms\" ] || exit 1; other=$(printf '%s\\n' \"$syms\" | grep -v '^mmioemu_'); [ -z \"$other\" ] || { echo \"exported beyond the API: $other\"; exit 1; }; echo \"$(printf '%s\\n' \"$syms\" | wc -l) exported, all mmioemu_*\"" _ $<TARGET_FILE:mmioemu>)
endif()
