# The wasm tree's part of web/ (included from web/CMakeLists.txt under EMSCRIPTEN).

# chat_core: chat_client + the browser transport, no ImGui. A headless build
# (Node with npm `ws` as WebSocket and Node's fetch) links this and drives it.
add_library(chat_core STATIC transport/transport_browser.cpp)
target_link_libraries(chat_core PUBLIC chat_client)
target_link_options(chat_core INTERFACE -lwebsocket.js "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/transport.js")
set_property(TARGET chat_core APPEND PROPERTY INTERFACE_LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/js/transport.js)
target_compile_options(chat_core PRIVATE -Os)
chatroom_target_defaults(chat_core)
target_compile_options(chat_client PRIVATE -Os)

# Dear ImGui 1.86 from Debian's sources, unmodified, with its OpenGL ES 3 (WebGL2) renderer.
if(NOT EXISTS ${CHATROOM_IMGUI_DIR}/imgui.cpp)
  message(FATAL_ERROR "Dear ImGui sources are missing in ${CHATROOM_IMGUI_DIR}: run scripts/setup")
endif()
add_library(imgui STATIC
  ${CHATROOM_IMGUI_DIR}/imgui.cpp
  ${CHATROOM_IMGUI_DIR}/imgui_draw.cpp
  ${CHATROOM_IMGUI_DIR}/imgui_tables.cpp
  ${CHATROOM_IMGUI_DIR}/imgui_widgets.cpp
  ${CHATROOM_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp
)
target_include_directories(imgui SYSTEM PUBLIC ${CHATROOM_IMGUI_DIR} ${CHATROOM_IMGUI_DIR}/backends)
target_compile_definitions(imgui PUBLIC
  IMGUI_IMPL_OPENGL_ES3
  IMGUI_USE_WCHAR32
  IMGUI_DISABLE_DEMO_WINDOWS
  IMGUI_DISABLE_METRICS_WINDOW
  IMGUI_DISABLE_FILE_FUNCTIONS
  IMGUI_DISABLE_OBSOLETE_FUNCTIONS
)
chatroom_target_defaults(imgui)
target_compile_options(imgui PRIVATE -Os -w)  # third-party code: its warnings are not ours to fix

# The app: index.html, chatroom.js and chatroom.wasm in web/dist/,
# the server's web root.
set(CHATROOM_DIST ${CMAKE_CURRENT_BINARY_DIR}/dist)
add_executable(chatroom
  main.cpp
  platform/assets.cpp
  platform/browser_platform.cpp
  platform/browser_storage.cpp
  platform/dom_layer.cpp
  platform/draw_times.cpp
  ui/app.cpp
  ui/chat_view.cpp
  ui/login_view.cpp
  ui/message_list.cpp
  ui/theme.cpp
  ui/widgets.cpp
  text/text_engine.cpp
)
target_include_directories(chatroom PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(chatroom PRIVATE chat_core imgui nlohmann_json::nlohmann_json)
set_target_properties(chatroom PROPERTIES SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY ${CHATROOM_DIST})
chatroom_target_defaults(chatroom)
target_compile_options(chatroom PRIVATE -Os)
target_link_options(chatroom PRIVATE
  -Os
  -sENVIRONMENT=web
  -sMIN_WEBGL_VERSION=2
  -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=33554432
  -sFILESYSTEM=0
  -sEXPORTED_FUNCTIONS=_main,_malloc,_free
  "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/platform.js"
  "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/text.js"
)
set_property(TARGET chatroom APPEND PROPERTY LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/js/platform.js ${CMAKE_CURRENT_SOURCE_DIR}/js/text.js)

# No font files: the browser draws text with its own fonts (web/js/text.js).
set(_assets)
foreach(src ${CMAKE_CURRENT_SOURCE_DIR}/shell/index.html)
  get_filename_component(name ${src} NAME)
  add_custom_command(OUTPUT ${CHATROOM_DIST}/${name}
                     COMMAND ${CMAKE_COMMAND} -E copy_if_different ${src} ${CHATROOM_DIST}/${name}
                     DEPENDS ${src} VERBATIM)
  list(APPEND _assets ${CHATROOM_DIST}/${name})
endforeach()
add_custom_target(chatroom_assets ALL DEPENDS ${_assets})
add_dependencies(chatroom chatroom_assets)
