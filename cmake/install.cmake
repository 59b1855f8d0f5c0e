# Install: shared + static library, public headers, the CLI, a CMake package
# (find_package(mmioemu) -> mmioemu::mmioemu, mmioemu::mmioemu_static) and
# mmioemu.pc. When Zydis/Capstone are built in, the static library needs them
# at link time: the package config re-creates the targets it names, and the
# .pc lists them under Requires.private / Libs.private (pkg-config --static).
set(MMIOEMU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mmioemu)

install(TARGETS mmioemu mmioemu_static EXPORT mmioemuTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mmioemu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
if(TARGET mmioemu_cli)
  install(TARGETS mmioemu_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

install(EXPORT mmioemuTargets NAMESPACE mmioemu:: DESTINATION ${MMIOEMU_CMAKE_DIR})
set(MMIOEMU_CONFIG_WITH_ZYDIS ${MMIOEMU_WITH_ZYDIS})
set(MMIOEMU_CONFIG_WITH_CAPSTONE ${MMIOEMU_WITH_CAPSTONE})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mmioemuConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mmioemuConfig.cmake INSTALL_DESTINATION ${MMIOEMU_CMAKE_DIR})
# 0.x: a minor bump may change the ABI.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mmioemuConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mmioemuConfig.cmake
  ${PROJECT_BINARY_DIR}/mmioemuConfigVersion.cmake DESTINATION ${MMIOEMU_CMAKE_DIR})

# pkg-config. Zydis 4.0 on Debian ships no .pc: name its libraries directly.
set(MMIOEMU_PC_REQUIRES_PRIVATE "")
set(MMIOEMU_PC_LIBS_PRIVATE "")
if(MMIOEMU_WITH_CAPSTONE)
  string(APPEND MMIOEMU_PC_REQUIRES_PRIVATE " capstone")
endif()
if(MMIOEMU_WITH_ZYDIS)
  if(ZYDIS_LIBRARIES)
    foreach(l ${ZYDIS_LIBRARIES})
      string(APPEND MMIOEMU_PC_LIBS_PRIVATE " -l${l}")
    endforeach()
  else()
    string(APPEND MMIOEMU_PC_LIBS_PRIVATE " -lZydis")
  endif()
endif()
# Relocatable: prefix relative to the .pc itself, so `cmake --install
# --prefix DIR` gives a working .pc anywhere.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MMIOEMU_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _rel "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _rel "${_rel}")
  set(MMIOEMU_PC_PREFIX "\${pcfiledir}/${_rel}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/mmioemu.pc.in ${PROJECT_BINARY_DIR}/mmioemu.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mmioemu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ctest: install into a temporary prefix, build tests/consumer both ways, run.
if(MMIOEMU_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME install_consumer
    COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/test-consumer.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(install_consumer PROPERTIES TIMEOUT 600)
endif()
