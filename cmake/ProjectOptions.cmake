# Interface targets that carry compile flags (the cmake_template pattern): no flags in CMAKE_CXX_FLAGS.
add_library(kubesim_options INTERFACE)
add_library(kubesim_warnings INTERFACE)

target_compile_options(kubesim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
  -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(KUBESIM_WARNINGS_AS_ERRORS)
  # GCC 12 at -O2 reports false -Wnull-dereference inside libstdc++ code (std::optional and
  # std::vector copies inlined into our functions); it stays a warning, not an error, so that a
  # compiler false positive cannot break the build.
  target_compile_options(kubesim_warnings INTERFACE -Werror -Wno-error=null-dereference)
endif()

if(KUBESIM_ENABLE_ASSERTS)
  target_compile_definitions(kubesim_options INTERFACE KUBESIM_ASSERTS_ENABLED=1)
endif()
if(KUBESIM_SANITIZERS)
  target_compile_options(kubesim_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                   -fno-sanitize-recover=undefined)
  target_link_options(kubesim_options INTERFACE -fsanitize=address,undefined)
endif()
if(KUBESIM_NATIVE)
  target_compile_options(kubesim_options INTERFACE -march=native)
endif()
# Same scenario + same seed => the same output on every machine: floating-point expressions are
# evaluated as written. Without this, GCC fuses a*b + c into one fused multiply-add wherever the target
# has FMA (-march=native on x86-64, every aarch64), which rounds once instead of twice and changes
# results such as BalancedAllocation's variance or a sampled distribution's value.
# -fno-trapping-math changes no result either (nothing reads the floating-point exception flags); it
# lets the compiler evaluate both sides of a select, so that the scoring loops compile to vector code.
target_compile_options(kubesim_options INTERFACE -ffp-contract=off -fno-trapping-math)
