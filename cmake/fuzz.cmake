# libFuzzer targets, one per fuzz/fuzz_*.c (-DMMIOEMU_FUZZ=ON, CC=clang-14).
# The library objects get coverage + ASan/UBSan instrumentation too, so the
# fuzzer sees inside the decoders and the emulator.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "MMIOEMU_FUZZ needs clang (libFuzzer): configure with CC=clang-14")
endif()
set(MMIOEMU_FUZZ_SAN address,undefined)
# -Wno-error: warnings are enforced by the gcc build; a clang-only warning
# (e.g. an unused static inline) must not stop the fuzzers from running.
target_compile_options(mmioemu_obj PRIVATE -fsanitize=fuzzer-no-link,${MMIOEMU_FUZZ_SAN}
  -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -Wno-error)
# Whatever links the instrumented objects needs the sanitizer runtimes.
target_link_options(mmioemu_static INTERFACE -fsanitize=${MMIOEMU_FUZZ_SAN})
target_link_options(mmioemu PRIVATE -fsanitize=${MMIOEMU_FUZZ_SAN})
file(GLOB MMIOEMU_FUZZ_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src ${MMIOEMU_FUZZ_SRC})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_compile_options(${name} PRIVATE ${MMIOEMU_WARN} -fsanitize=fuzzer,${MMIOEMU_FUZZ_SAN}
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,${MMIOEMU_FUZZ_SAN})
  target_compile_definitions(${name} PRIVATE ${MMIOEMU_BACKEND_DEFS})
  target_link_libraries(${name} PRIVATE mmioemu_static ${MMIOEMU_BACKEND_LIBS})
  list(APPEND MMIOEMU_FUZZERS ${name})
endforeach()
# `--target fuzzers` builds just the fuzz targets (what scripts/test-all.sh runs).
add_custom_target(fuzzers DEPENDS ${MMIOEMU_FUZZERS})
