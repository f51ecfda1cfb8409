// Files the app loads at run time: the font files from the web root, and
// pictures (decoded and square-cropped by the browser) as GL textures.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chat::web {

/** Fetches `url` (same origin); `done` gets the bytes, or nothing on failure. */
void fetch_bytes(const std::string& url, std::function<void(std::vector<unsigned char>)> done);

/** Loads a picture as a `size`×`size` GL texture (0 on failure). */
void load_texture(const std::string& url, int size, std::function<void(unsigned texture)> done);

}  // namespace chat::web
