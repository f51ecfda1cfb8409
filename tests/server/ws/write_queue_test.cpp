// The write queue's accounting without a socket: the byte and the frame-count
// bounds (a batch cut where it crosses them), gathering pieces for one write
// within the piece and byte caps, writes that send only part of what was
// gathered, dropping what is unsent while a write is in flight, and our close
// frame reported when it has left.
#include "ws/write_queue.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace chat::server;
using verdict = ws::write_queue::verdict;

namespace {

/** One frame's worth of bytes in a buffer of its own. */
ws::wire_ref piece_of(const std::string& bytes) {
  auto w = std::make_shared<ws::wire_buffer>();
  w->bytes = bytes;
  w->frames = 1;
  return w;
}

/** A broadcast batch: the frames back to back, indexed by id and offset. */
ws::wire_ref batch_of(const std::vector<std::string>& frames) {
  auto w = std::make_shared<ws::wire_buffer>();
  std::int64_t id = 1;
  for (const auto& f : frames) {
    w->offsets.push_back(static_cast<std::uint32_t>(w->bytes.size()));
    w->ids.push_back(id++);
    w->bytes += f;
  }
  w->frames = frames.size();
  return w;
}

/** Offers a whole buffer. */
verdict offer(ws::write_queue& q, const ws::wire_ref& w) {
  return q.offer(w, 0, static_cast<std::uint32_t>(w->bytes.size()), static_cast<std::uint32_t>(w->frames));
}

/** What one write would send: each gathered piece as a string. */
std::vector<std::string> gather(ws::write_queue& q, std::size_t max_pieces = 64,
                                std::size_t max_bytes = static_cast<std::size_t>(-1)) {
  std::vector<std::string> out;
  q.gather([&](const char* p, std::size_t n) { out.emplace_back(p, n); }, max_pieces, max_bytes);
  return out;
}

}  // namespace

TEST_CASE("the frame-count bound closes a reader of many small frames long before the byte bound",
          "[write_queue]") {
  ws::write_queue q(1024 * 1024, 3);
  for (int i = 0; i < 3; ++i) REQUIRE(offer(q, piece_of("tiny")) == verdict::queued);
  CHECK(q.frames() == 3);
  CHECK(q.bytes() == 12);
  CHECK(offer(q, piece_of("tiny")) == verdict::overflow);
  CHECK(q.bytes() < 1024);  // the byte bound is nowhere near
}

TEST_CASE("a batch crossing the frame-count bound is cut after the frame that crosses it", "[write_queue]") {
  ws::write_queue q(1024 * 1024, 3);
  REQUIRE(offer(q, piece_of("x")) == verdict::queued);
  const auto batch = batch_of({"aa", "bbb", "cccc", "ddddd", "eeeeee"});
  CHECK(offer(q, batch) == verdict::overflow);
  // As if queued one at a time: "aa", "bbb" fit (3 frames), "cccc" crosses and is the last taken.
  CHECK(q.frames() == 4);
  CHECK(q.bytes() == 1 + 2 + 3 + 4);
  CHECK(gather(q) == std::vector<std::string>{"x", "aabbbcccc"});
}

TEST_CASE("a batch crossing the byte bound is cut after the frame that crosses it", "[write_queue]") {
  ws::write_queue q(8, 100);
  const auto batch = batch_of({"aaa", "bbb", "ccc", "ddd", "eee"});
  // A session that already has the first message starts at the second frame.
  CHECK(q.offer(batch, batch->offsets[1], static_cast<std::uint32_t>(batch->bytes.size() - batch->offsets[1]), 4) ==
        verdict::overflow);
  CHECK(q.frames() == 3);
  CHECK(q.bytes() == 9);
  CHECK(gather(q) == std::vector<std::string>{"bbbcccddd"});
}

TEST_CASE("frames within both bounds are queued in order and leave in one gathered write", "[write_queue]") {
  ws::write_queue q(100, 10);
  REQUIRE(offer(q, piece_of("one")) == verdict::queued);
  REQUIRE(offer(q, piece_of("two")) == verdict::queued);
  REQUIRE(offer(q, batch_of({"3a", "3b"})) == verdict::queued);
  CHECK(q.frames() == 4);
  CHECK(gather(q) == std::vector<std::string>{"one", "two", "3a3b"});
  CHECK_FALSE(q.complete(10));
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
  CHECK(q.frames() == 0);
}

TEST_CASE("a partial write keeps the unsent rest at the front and the next write starts there", "[write_queue]") {
  ws::write_queue q(100, 10);
  for (const char* s : {"aaaa", "bbbb", "cccc"}) REQUIRE(offer(q, piece_of(s)) == verdict::queued);
  REQUIRE(gather(q).size() == 3);
  q.complete(6);  // "aaaa" and half of "bbbb" left
  CHECK(q.head_sent() == 2);
  CHECK(q.frames() == 2);
  CHECK(q.bytes() == 8);  // a partly sent piece counts whole until it has left
  CHECK(gather(q) == std::vector<std::string>{"bb", "cccc"});
  q.complete(1);  // one more byte
  CHECK(gather(q) == std::vector<std::string>{"b", "cccc"});
  q.complete(0);  // nothing left this time
  CHECK(gather(q) == std::vector<std::string>{"b", "cccc"});
  q.complete(5);
  CHECK(q.empty());
  CHECK(q.head_sent() == 0);
  CHECK(q.bytes() == 0);
}

TEST_CASE("one write takes at most the piece cap, and within the byte cap after its first piece", "[write_queue]") {
  ws::write_queue q(1000, 100);
  for (int i = 0; i < 5; ++i) REQUIRE(offer(q, piece_of(std::string(10, static_cast<char>('a' + i)))) == verdict::queued);
  CHECK(gather(q, 2).size() == 2);
  q.complete(20);
  CHECK(q.frames() == 3);
  // The byte cap (a TLS write): 25 bytes take two 10-byte pieces, not the third.
  CHECK(gather(q, 64, 25) == std::vector<std::string>{std::string(10, 'c'), std::string(10, 'd')});
  q.complete(20);
  // A first piece bigger than the cap still goes.
  REQUIRE(offer(q, piece_of(std::string(40, 'z'))) == verdict::queued);
  CHECK(gather(q, 64, 25).size() == 1);
  q.complete(10);
  CHECK(gather(q, 64, 25) == std::vector<std::string>{std::string(40, 'z')});
}

TEST_CASE("our close frame goes last and is reported only once it has left completely", "[write_queue]") {
  ws::write_queue q(100, 10);
  REQUIRE(offer(q, piece_of("data")) == verdict::queued);
  q.push(piece_of("CLOSE"), true);
  REQUIRE(gather(q) == std::vector<std::string>{"data", "CLOSE"});
  CHECK_FALSE(q.complete(6));  // "data" and "CL"
  REQUIRE(gather(q) == std::vector<std::string>{"OSE"});
  CHECK(q.complete(3));
  CHECK(q.empty());
}

TEST_CASE("pushed pieces ignore the bounds (the 101, the close frame) but count toward them", "[write_queue]") {
  ws::write_queue q(4, 1);
  q.push(piece_of("HTTP/1.1 101 Switching Protocols"));
  CHECK(q.bytes() == 32);
  CHECK(offer(q, piece_of("x")) == verdict::overflow);
}

TEST_CASE("dropping the unsent keeps what the write in flight reads from, and only that", "[write_queue]") {
  ws::write_queue q(100, 10);
  for (const char* s : {"aaaa", "bbbb"}) REQUIRE(offer(q, piece_of(s)) == verdict::queued);
  REQUIRE(gather(q).size() == 2);
  REQUIRE(offer(q, piece_of("cccc")) == verdict::queued);  // queued while the write is in flight
  q.drop_unsent(true);
  CHECK(q.frames() == 2);
  CHECK(q.bytes() == 8);
  q.complete(8);
  CHECK(q.empty());
  CHECK(q.bytes() == 0);

  // Without a write in flight everything goes, a partly sent piece too.
  for (const char* s : {"dddd", "eeee"}) REQUIRE(offer(q, piece_of(s)) == verdict::queued);
  REQUIRE(gather(q).size() == 2);
  q.complete(2);
  q.drop_unsent(false);
  CHECK(q.empty());
  CHECK(q.head_sent() == 0);
  CHECK(q.bytes() == 0);
  CHECK(q.frames() == 0);
}

TEST_CASE("a failed write drops everything", "[write_queue]") {
  ws::write_queue q(100, 10);
  for (const char* s : {"aaaa", "bbbb"}) REQUIRE(offer(q, piece_of(s)) == verdict::queued);
  REQUIRE(gather(q).size() == 2);
  q.abort();
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
  CHECK(q.frames() == 0);
  REQUIRE(offer(q, piece_of("ffff")) == verdict::queued);  // usable again from a clean state
  CHECK(gather(q) == std::vector<std::string>{"ffff"});
}
