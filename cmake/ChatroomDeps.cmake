# Third-party dependencies, all from Debian packages (scripts/setup installs them).
# The wasm tree must never see the host's /usr/include (glibc headers would mix
# into the wasm sysroot), so header-only libraries are staged into the build tree
# and exposed under the same target names as natively.

if(EMSCRIPTEN)
  set(_staged "${CMAKE_BINARY_DIR}/_deps/include")
  foreach(dir nlohmann catch2 stb)
    if(NOT EXISTS "/usr/include/${dir}")
      message(FATAL_ERROR "/usr/include/${dir} is missing: run scripts/setup")
    endif()
    file(COPY "/usr/include/${dir}" DESTINATION "${_staged}")
  endforeach()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE "${_staged}")
  add_library(Catch2::Catch2 INTERFACE IMPORTED)
  target_include_directories(Catch2::Catch2 SYSTEM INTERFACE "${_staged}")
  add_library(chatroom::stb INTERFACE IMPORTED)
  target_include_directories(chatroom::stb SYSTEM INTERFACE "${_staged}/stb")
else()
  find_package(nlohmann_json 3.11 REQUIRED)
  find_package(Catch2 2.13 REQUIRED)
  list(APPEND CMAKE_MODULE_PATH "/usr/lib/cmake/Catch2")
endif()

# Dear ImGui 1.86 sources, fetched by scripts/setup from Debian's source package.
set(CHATROOM_IMGUI_DIR "${CMAKE_SOURCE_DIR}/.deps/imgui-1.86" CACHE PATH "Dear ImGui 1.86 source tree")
