# examples/*.c: small runnable programs using the public API only
# (include/mmioemu). x86-64 Linux hosts only (they trap real accesses).
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  file(GLOB MMIOEMU_EXAMPLE_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/*.c)
  foreach(src ${MMIOEMU_EXAMPLE_SRC})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE ${MMIOEMU_WARN})
    target_link_libraries(${name} PRIVATE mmioemu_static)
  endforeach()
endif()
