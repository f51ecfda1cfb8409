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

# The app: index.html, chatroom.js, chatroom.wasm, the manifest, icons and emoji data in web/dist/ (no fonts),
# the server's web root.
set(CHATROOM_DIST ${CMAKE_CURRENT_BINARY_DIR}/dist)
add_executable(chatroom
  main.cpp
  platform/assets.cpp
  platform/browser_platform.cpp
  platform/browser_storage.cpp
  platform/dom_layer.cpp
  platform/draw_times.cpp
  ui/a11y_mirror.cpp
  ui/app.cpp
  ui/chat_view.cpp
  ui/login_view.cpp
  ui/message_links.cpp
  ui/message_list.cpp
  ui/message_menu.cpp
  ui/message_select.cpp
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
  "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/a11y.js"
  "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/text.js"
  "SHELL:--js-library ${CMAKE_CURRENT_SOURCE_DIR}/js/text_runs.js"
)
set_property(TARGET chatroom APPEND PROPERTY LINK_DEPENDS
             ${CMAKE_CURRENT_SOURCE_DIR}/js/platform.js ${CMAKE_CURRENT_SOURCE_DIR}/js/a11y.js
             ${CMAKE_CURRENT_SOURCE_DIR}/js/text.js ${CMAKE_CURRENT_SOURCE_DIR}/js/text_runs.js)

# No font files: the browser draws text with its own fonts (web/js/text.js).
# Emoji names, keywords and GitHub shortcodes for the picker (npm emojibase-data,
# installed by scripts/setup's npm ci), fetched by the client on first use.
set(CHATROOM_EMOJI_DATA ${PROJECT_SOURCE_DIR}/node_modules/emojibase-data/en CACHE PATH "npm emojibase-data's English data")
if(NOT EXISTS ${CHATROOM_EMOJI_DATA}/compact.json)
  message(FATAL_ERROR "emojibase-data is missing in ${CHATROOM_EMOJI_DATA}: run scripts/setup (npm ci)")
endif()
set(_assets)
foreach(pair
    "${CMAKE_CURRENT_SOURCE_DIR}/shell/manifest.webmanifest|manifest.webmanifest"
    "${CMAKE_CURRENT_SOURCE_DIR}/shell/emoji_picker.js|emoji_picker.js"
    "${CHATROOM_EMOJI_DATA}/compact.json|emoji/compact.json"
    "${CHATROOM_EMOJI_DATA}/shortcodes/github.json|emoji/shortcodes.json")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 src)
  list(GET pair 1 name)
  add_custom_command(OUTPUT ${CHATROOM_DIST}/${name}
                     COMMAND ${CMAKE_COMMAND} -E copy_if_different ${src} ${CHATROOM_DIST}/${name}
                     DEPENDS ${src} VERBATIM)
  list(APPEND _assets ${CHATROOM_DIST}/${name})
endforeach()
add_custom_target(chatroom_assets ALL DEPENDS ${_assets})
add_dependencies(chatroom chatroom_assets)

# The manifest's icons, drawn at build (web/make_icons.py, Python's standard library only).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_icons ${CHATROOM_DIST}/icon-192.png ${CHATROOM_DIST}/icon-512.png ${CHATROOM_DIST}/icon-maskable-512.png)
add_custom_command(OUTPUT ${_icons}
                   COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/make_icons.py ${CHATROOM_DIST}
                   DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/make_icons.py VERBATIM)
add_custom_target(chatroom_icons ALL DEPENDS ${_icons})
add_dependencies(chatroom chatroom_icons)

# index.html and sw.js name the build (the hash of chatroom.js and chatroom.wasm):
# written after every link, and when either template changes.
set(_stamp ${CMAKE_COMMAND} -DDIST=${CHATROOM_DIST} -DSHELL=${CMAKE_CURRENT_SOURCE_DIR}/shell
           -P ${CMAKE_CURRENT_SOURCE_DIR}/stamp_build.cmake)
add_custom_command(TARGET chatroom POST_BUILD COMMAND ${_stamp} VERBATIM)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/stamp.done
                   COMMAND ${_stamp}
                   COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_CURRENT_BINARY_DIR}/stamp.done
                   DEPENDS chatroom ${CMAKE_CURRENT_SOURCE_DIR}/shell/index.html ${CMAKE_CURRENT_SOURCE_DIR}/shell/sw.js
                           ${CMAKE_CURRENT_SOURCE_DIR}/stamp_build.cmake
                   VERBATIM)
add_custom_target(chatroom_stamp ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/stamp.done)

