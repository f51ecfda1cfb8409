// Run-time pictures (see assets.hpp): js/platform.js fetches and decodes, C++
// uploads the pixels.
#include "platform/assets.hpp"

#include "platform/gl_texture.hpp"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>

#include <cstdlib>

extern "C" {
void chatroom_load_image(const char* url, int size, void* user);
}

namespace {

using texture_done = std::function<void(unsigned)>;

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void chatroom_on_image(void* user, unsigned char* rgba, int size) {
  auto* done = static_cast<texture_done*>(user);
  GLuint tex = 0;
  if (rgba != nullptr && size > 0) {
    tex = chat::web::new_bound_texture();
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, size, size, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
  std::free(rgba);
  (*done)(tex);
  delete done;
}
}

namespace chat::web {

void load_texture(const std::string& url, int size, std::function<void(unsigned)> done) {
  chatroom_load_image(url.c_str(), size, new texture_done(std::move(done)));
}

}  // namespace chat::web
