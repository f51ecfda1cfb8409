# Project options and the warning/sanitizer settings, applied per target.
option(CHATROOM_WITH_SERVER "Build the Beast server (slow to compile) in the native tree" ON)
option(CHATROOM_WITH_BENCH "Build the benchmark tools (load generator, reference peers) in the native tree (default: as CHATROOM_WITH_SERVER)" ${CHATROOM_WITH_SERVER})
option(CHATROOM_SANITIZE "Build native targets with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(CHATROOM_TSAN "Build native targets with ThreadSanitizer (clang; the native-tsan preset builds only the server suite)" OFF)
option(CHATROOM_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only; every target gets coverage instrumentation)" OFF)
set(CHATROOM_WASM_DIR "" CACHE PATH
    "Build tree of the wasm preset; when set, the native tree's ctest also runs the wasm suites and the end-to-end tests")
set(CHATROOM_ASAN_DIR "" CACHE PATH
    "Build tree of the native-asan preset; when set, the native tree's ctest also runs its suites (label asan) and fuzzers (labels fuzz, fuzz-long)")
set(CHATROOM_TSAN_DIR "" CACHE PATH
    "Build tree of the native-tsan preset; when set, the native tree's ctest also runs its server suite (label tsan)")
if(CHATROOM_TSAN AND CHATROOM_SANITIZE)
  message(FATAL_ERROR "ThreadSanitizer and AddressSanitizer cannot share a tree: use the native-tsan and native-asan presets")
endif()
if(CHATROOM_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CHATROOM_FUZZ needs clang (libFuzzer): configure with the native-asan preset")
endif()

# chatroom_target_defaults(<target>): warnings and, when enabled, sanitizers.
function(chatroom_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(CHATROOM_SANITIZE AND NOT EMSCRIPTEN)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CHATROOM_TSAN AND NOT EMSCRIPTEN)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
  get_target_property(_type ${target} TYPE)
  if(CHATROOM_FUZZ AND NOT EMSCRIPTEN AND _type STREQUAL "STATIC_LIBRARY")
    # Coverage for libFuzzer in the libraries the fuzz targets link; the
    # sanitizer runtime supplies its hooks to the other programs of the tree.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(EMSCRIPTEN)
    # C++ exceptions work inside the module (nlohmann/json, std::) instead of aborting it.
    target_compile_options(${target} PRIVATE -fwasm-exceptions)
    target_link_options(${target} PRIVATE -fwasm-exceptions)
  endif()
endfunction()
