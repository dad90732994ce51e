# The fuzzing build (-DSWARMCTL_FUZZ=ON, in its own build directory: `make fuzz` uses
# build-fuzz/). Every component is compiled with libFuzzer's coverage instrumentation, ASan and
# UBSan (any undefined behaviour aborts, so the fuzzer reports it); only tests/fuzz is built.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SWARMCTL_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
