# Cross toolchain for an aarch64 Linux host (Debian's gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross). Tests run under qemu-user through CTest.
# The find roots are confined to the arm64 sysroot, and pkg-config to arm64
# .pc directories, so the x86-64 Zydis/Capstone/Unicorn/Criterion of the
# build machine are never picked up by mistake.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(_triple aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${_triple}-gcc)
set(CMAKE_AR ${_triple}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_triple}-ranlib CACHE FILEPATH "")
set(CMAKE_STRIP ${_triple}-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/${_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_IGNORE_PATH /usr/include /usr/lib/x86_64-linux-gnu /usr/lib /usr/local/include /usr/local/lib)

# pkg-config: arm64 .pc files only (multiarch arm64 packages, if any).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${_triple}/pkgconfig:/usr/${_triple}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/${_triple})
