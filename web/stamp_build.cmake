# Names a build of the client by its script and module, so the page, the
# service worker and the browser's caches agree on which pair belongs together:
# BUILD = the first 16 hex digits of SHA-256(hex SHA-256(chatroom.js) + hex
# SHA-256(chatroom.wasm)) (web/shell/sw.js checks the same at install). Writes
# DIST/index.html and DIST/sw.js from SHELL/ with @CHATROOM_BUILD@ replaced.
#   cmake -DDIST=build/wasm/web/dist -DSHELL=web/shell -P web/stamp_build.cmake
foreach(v DIST SHELL)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "stamp_build.cmake: -D${v}= is required")
  endif()
endforeach()
file(SHA256 ${DIST}/chatroom.js js_hash)
file(SHA256 ${DIST}/chatroom.wasm wasm_hash)
string(SHA256 build "${js_hash}${wasm_hash}")
string(SUBSTRING ${build} 0 16 CHATROOM_BUILD)
foreach(name index.html sw.js)
  configure_file(${SHELL}/${name} ${DIST}/${name} @ONLY)
endforeach()
