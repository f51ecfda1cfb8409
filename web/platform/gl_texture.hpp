// A 2D texture as the client makes them (pictures, rasterised text): linear
// filtering, clamped edges. Needs the GL context current (the draw thread).
#pragma once

#include <GLES3/gl3.h>

namespace chat::web {

/** Generates a texture, binds it to GL_TEXTURE_2D and sets its filtering and
 *  wrapping; the caller uploads the pixels and owns the name. */
inline GLuint new_bound_texture() {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

}  // namespace chat::web
