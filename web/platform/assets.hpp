// Pictures the app loads at run time, decoded and square-cropped by the
// browser, as GL textures.
#pragma once

#include <functional>
#include <string>

namespace chat::web {

/** Loads a picture as a `size`×`size` GL texture (0 on failure). */
void load_texture(const std::string& url, int size, std::function<void(unsigned texture)> done);

}  // namespace chat::web
