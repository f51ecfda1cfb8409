# The Debian package (CPack, DEB generator) of the native tree: the server, the
# web client as the wasm tree builds it, the systemd unit and the operator's
# docs. Build it with
#   cpack -G DEB --config build/native/CPackConfig.cmake -B OUTDIR
# after building both trees (tests/ops/package_test.sh does, as root, then
# installs, runs and purges it). See docs/operations.md, "Running it as a service".

set(CHATROOM_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the package puts chatroom-server.service (Debian 12: /lib/systemd/system)")

# The server itself: install(TARGETS) is in server/CMakeLists.txt.
if(CHATROOM_WASM_DIR)
  # The web client's dist files; a tree without them builds a package that
  # serves the API and socket only (the unit's --web-root would then fail).
  install(DIRECTORY "${CHATROOM_WASM_DIR}/web/dist/" DESTINATION share/chatroom/web
          FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
          DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)
endif()
install(FILES "${CMAKE_SOURCE_DIR}/deploy/chatroom-server.service" DESTINATION "${CHATROOM_SYSTEMD_UNIT_DIR}")
install(FILES "${CMAKE_SOURCE_DIR}/README.md" "${CMAKE_SOURCE_DIR}/docs/operations.md"
        DESTINATION share/doc/chatroom)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "chatroom")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time chat room: server, web client and systemd unit")
set(CPACK_PACKAGE_DESCRIPTION
    "chatroom-server serves a WebAssembly chat client, its JSON API and its WebSocket, and keeps users and messages in SQLite. The chatroom-server.service unit runs it sandboxed on 127.0.0.1:8080 with its database in /var/lib/chatroom.")
set(CPACK_PACKAGE_CONTACT "Chat Room maintainers <chatroom@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Depends from the binary's shared libraries (dpkg-shlibdeps, in dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/deploy/debian/postinst"
    "${CMAKE_SOURCE_DIR}/deploy/debian/prerm"
    "${CMAKE_SOURCE_DIR}/deploy/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
