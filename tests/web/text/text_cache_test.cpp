// The text path's cache: bounded by the bytes of its textures, least recently
// drawn first out, every evicted texture handed back once to be freed.
#include "text/text_cache.hpp"
#include "text/text_style.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using chat::web::text::lru_cache;
using chat::web::text::text_key;
using chat::web::text::text_key_hash;

namespace {

struct fake_texture {
  unsigned id = 0;
};

text_key key(std::string s, float wrap = 300, float dpr = 1) { return text_key{std::move(s), {15, 400}, wrap, false, 0x2B2D31, dpr}; }

}  // namespace

TEST_CASE("the text cache keeps its textures within the byte bound, freeing the least recently drawn") {
  std::vector<unsigned> freed;
  lru_cache<text_key, fake_texture, text_key_hash> cache(1000, [&](fake_texture& t) { freed.push_back(t.id); });
  cache.insert(key("a"), {1}, 400);
  cache.insert(key("b"), {2}, 400);
  REQUIRE(cache.find(key("a")) != nullptr);  // drawn again: "b" is now the oldest
  cache.insert(key("c"), {3}, 400);
  CHECK(freed == std::vector<unsigned>{2});
  CHECK(cache.find(key("b")) == nullptr);
  CHECK(cache.find(key("a"))->id == 1);
  CHECK(cache.find(key("c"))->id == 3);
  CHECK(cache.cost() == 800);
  CHECK(cache.size() == 2);
}

TEST_CASE("the text cache tells apart the same text at another width, pixel ratio, style or colour") {
  lru_cache<text_key, fake_texture, text_key_hash> cache(1u << 20);
  cache.insert(key("hello"), {1}, 10);
  CHECK(cache.find(key("hello", 200)) == nullptr);
  CHECK(cache.find(key("hello", 300, 2)) == nullptr);
  text_key bold = key("hello");
  bold.style.weight = 700;
  CHECK(cache.find(bold) == nullptr);
  text_key red = key("hello");
  red.color = 0x0000FF;
  CHECK(cache.find(red) == nullptr);
  CHECK(cache.find(key("hello"))->id == 1);
}

TEST_CASE("the text cache frees a replaced texture and everything on clear, each once") {
  std::vector<unsigned> freed;
  lru_cache<text_key, fake_texture, text_key_hash> cache(1000, [&](fake_texture& t) { freed.push_back(t.id); });
  cache.insert(key("a"), {1}, 100);
  cache.insert(key("a"), {2}, 100);
  CHECK(freed == std::vector<unsigned>{1});
  CHECK(cache.cost() == 100);
  cache.insert(key("b"), {3}, 100);
  cache.clear();
  CHECK(freed == std::vector<unsigned>{1, 2, 3});  // the least recently used first
  CHECK(cache.size() == 0);
  CHECK(cache.cost() == 0);
}

TEST_CASE("a text larger than the whole bound is still drawn, and leaves at the next insert") {
  std::vector<unsigned> freed;
  lru_cache<text_key, fake_texture, text_key_hash> cache(1000, [&](fake_texture& t) { freed.push_back(t.id); });
  cache.insert(key("small"), {1}, 100);
  cache.insert(key("huge"), {2}, 5000);
  CHECK(freed == std::vector<unsigned>{1});
  CHECK(cache.find(key("huge"))->id == 2);
  cache.insert(key("next"), {3}, 100);
  CHECK(freed == std::vector<unsigned>{1, 2});
  CHECK(cache.cost() == 100);
}
