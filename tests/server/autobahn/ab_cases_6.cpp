// Autobahn section 6: UTF-8 handling. 6.5-6.23 are the UTF-8 decoder tests of
// Markus Kuhn's UTF-8-test.txt as Autobahn lists them (case6_x_x.py), each sent
// as one text frame: valid ones are broadcast back, invalid ones close 1007.
#include "autobahn/ab_case.hpp"

#include <utility>

namespace chat::test::autobahn {
namespace {

constexpr std::uint16_t invalid_payload = 1007;

test_case valid(std::string id, std::string what, std::vector<step> steps, std::string body) {
  test_case c;
  c.id = std::move(id);
  c.what = std::move(what);
  c.steps = std::move(steps);
  c.ok = {msg(std::move(body))};
  return c;
}

test_case invalid(std::string id, std::string what, std::vector<step> steps) {
  test_case c;
  c.id = std::move(id);
  c.what = std::move(what);
  c.steps = std::move(steps);
  c.close_codes = {invalid_payload};
  c.sentinel = false;
  return c;
}

/** A text message sent as frames of `size` bytes (Autobahn's fragmentSize). */
std::vector<step> fragments(const std::string& s, std::size_t size) {
  std::vector<step> out;
  for (std::size_t at = 0; at < s.size(); at += size) {
    const bool last = at + size >= s.size();
    out.push_back(send({.opcode = static_cast<std::uint8_t>(at == 0 ? 1 : 0), .payload = s.substr(at, size), .fin = last}));
  }
  return out;
}

/** The masked header of a text frame announcing `n` payload bytes, and `first`
 *  of its payload (masked with the same key): a frame whose rest comes later. */
std::string frame_start(std::size_t n, const std::string& first) {
  std::string h;
  h.push_back('\x81');
  h.push_back(static_cast<char>(0x80 | n));  // n < 126 here
  const char key[4] = {'\x37', '\xfa', '\x21', '\x3d'};
  h.append(key, 4);
  for (std::size_t i = 0; i < first.size(); ++i) h.push_back(static_cast<char>(first[i] ^ key[i & 3]));
  return h;
}

/** The rest of that frame: payload bytes [at, end) masked at their offsets. */
std::string frame_rest(const std::string& payload, std::size_t at, std::size_t end) {
  const char key[4] = {'\x37', '\xfa', '\x21', '\x3d'};
  std::string out;
  for (std::size_t i = at; i < end; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  return out;
}

struct utf8_group {
  const char* title;
  std::vector<std::pair<bool, std::string>> items;
};

/** Autobahn's createUtf8TestSequences(), in its order (6.5 ... 6.23). */
std::vector<utf8_group> utf8_groups() {
  const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
  std::vector<utf8_group> g;
  g.push_back({"valid sequences",
               {{true, "hello\x24world"}, {true, "hello\xC2\xA2world"}, {true, "hello\xE2\x82\xACworld"},
                {true, "hello\xF0\xA4\xAD\xA2world"}, {true, kosme}}});
  utf8_group prefixes{"prefixes of a string of multi-byte code points", {}};
  for (std::size_t i = 1; i <= kosme.size(); ++i) {
    const bool boundary = i == 2 || i == 5 || i == 7 || i == 9 || i == 11;
    prefixes.items.push_back({boundary, kosme.substr(0, i)});
  }
  g.push_back(prefixes);
  g.push_back({"first sequence of a length",
               {{true, std::string("\x00", 1)}, {true, "\xc2\x80"}, {true, "\xe0\xa0\x80"}, {true, "\xf0\x90\x80\x80"}}});
  g.push_back({"first sequence of length 5/6", {{false, "\xf8\x88\x80\x80\x80"}, {false, "\xfc\x84\x80\x80\x80\x80"}}});
  g.push_back({"last sequence of a length", {{true, "\x7f"}, {true, "\xdf\xbf"}, {true, "\xef\xbf\xbf"}, {true, "\xf4\x8f\xbf\xbf"}}});
  g.push_back({"last sequence of length 4/5/6",
               {{false, "\xf7\xbf\xbf\xbf"}, {false, "\xfb\xbf\xbf\xbf\xbf"}, {false, "\xfd\xbf\xbf\xbf\xbf\xbf"}}});
  g.push_back({"other boundaries",
               {{true, "\xed\x9f\xbf"}, {true, "\xee\x80\x80"}, {true, "\xef\xbf\xbd"}, {true, "\xf4\x8f\xbf\xbf"},
                {false, "\xf4\x90\x80\x80"}}});
  utf8_group cont{"unexpected continuation bytes",
                  {{false, "\x80"}, {false, "\xbf"}, {false, "\x80\xbf"}, {false, "\x80\xbf\x80"},
                   {false, "\x80\xbf\x80\xbf"}, {false, "\x80\xbf\x80\xbf\x80"}, {false, "\x80\xbf\x80\xbf\x80\xbf"}}};
  std::string all;
  for (int c = 0x80; c < 0xbf; ++c) all.push_back(static_cast<char>(c));
  cont.items.push_back({false, all});
  g.push_back(cont);
  utf8_group lonely{"lonely start characters", {}};
  for (auto [lo, hi] : {std::pair{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}}) {
    std::string s;
    for (int c = lo; c < hi; ++c) {
      s.push_back(static_cast<char>(c));
      s.push_back(' ');
    }
    lonely.items.push_back({false, s});
  }
  g.push_back(lonely);
  const char* missing[] = {"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80", "\xfc\x80\x80\x80\x80",
                           "\xdf", "\xef\xbf", "\xf7\xbf\xbf", "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf"};
  utf8_group last{"last continuation byte missing", {}};
  std::string joined;
  for (const char* m : missing) {
    last.items.push_back({false, m});
    joined += m;
  }
  g.push_back(last);
  g.push_back({"concatenated incomplete sequences", {{false, joined}}});
  g.push_back({"impossible bytes", {{false, "\xfe"}, {false, "\xff"}, {false, "\xfe\xfe\xff\xff"}}});
  g.push_back({"overlong ASCII",
               {{false, "\xc0\xaf"}, {false, "\xe0\x80\xaf"}, {false, "\xf0\x80\x80\xaf"}, {false, "\xf8\x80\x80\x80\xaf"},
                {false, "\xfc\x80\x80\x80\x80\xaf"}}});
  g.push_back({"maximum overlong sequences",
               {{false, "\xc1\xbf"}, {false, "\xe0\x9f\xbf"}, {false, "\xf0\x8f\xbf\xbf"}, {false, "\xf8\x87\xbf\xbf\xbf"},
                {false, "\xfc\x83\xbf\xbf\xbf\xbf"}}});
  g.push_back({"overlong NUL",
               {{false, "\xc0\x80"}, {false, "\xe0\x80\x80"}, {false, "\xf0\x80\x80\x80"}, {false, "\xf8\x80\x80\x80\x80"},
                {false, "\xfc\x80\x80\x80\x80\x80"}}});
  g.push_back({"single UTF-16 surrogates",
               {{false, "\xed\xa0\x80"}, {false, "\xed\xad\xbf"}, {false, "\xed\xae\x80"}, {false, "\xed\xaf\xbf"},
                {false, "\xed\xb0\x80"}, {false, "\xed\xbe\x80"}, {false, "\xed\xbf\xbf"}}});
  g.push_back({"paired UTF-16 surrogates",
               {{false, "\xed\xa0\x80\xed\xb0\x80"}, {false, "\xed\xa0\x80\xed\xbf\xbf"}, {false, "\xed\xad\xbf\xed\xb0\x80"},
                {false, "\xed\xad\xbf\xed\xbf\xbf"}, {false, "\xed\xae\x80\xed\xb0\x80"}, {false, "\xed\xae\x80\xed\xbf\xbf"},
                {false, "\xed\xaf\xbf\xed\xb0\x80"}, {false, "\xed\xaf\xbf\xed\xbf\xbf"}}});
  utf8_group nonchar{"non-characters (valid UTF-8)", {{true, "\xef\xbf\xbe"}, {true, "\xef\xbf\xbf"}}};
  for (char z1 : {'\xf0', '\xf1', '\xf2', '\xf3', '\xf4'}) {
    for (char z2 : {'\x8f', '\x9f', '\xaf', '\xbf'}) {
      if (z1 == '\xf4' && z2 != '\x8f') continue;  // above U+10FFFF
      for (char z3 : {'\xbe', '\xbf'}) {
        const std::string zz{z1, z2, '\xbf', z3};
        if (zz == "\xf0\x8f\xbf\xbe" || zz == "\xf0\x8f\xbf\xbf") continue;  // overlong
        nonchar.items.push_back({true, zz});
      }
    }
  }
  g.push_back(nonchar);
  g.push_back({"Unicode specials",
               {{true, "\xef\xbf\xb9"}, {true, "\xef\xbf\xba"}, {true, "\xef\xbf\xbb"}, {true, "\xef\xbf\xbc"},
                {true, "\xef\xbf\xbd"}, {true, "\xef\xbf\xbe"}, {true, "\xef\xbf\xbf"}}});
  return g;
}

}  // namespace

std::vector<test_case> section_6() {
  std::vector<test_case> v;
  // 6.1: empty payloads. Autobahn expects an empty echo; the chat answers a
  // blank body `error empty` (nothing is stored or broadcast).
  auto empty = [](std::string id, std::string what, std::vector<step> steps) {
    test_case c;
    c.id = std::move(id);
    c.what = std::move(what);
    c.steps = std::move(steps);
    c.ok = {err("empty")};
    return c;
  };
  v.push_back(empty("6.1.1", "text, empty", {text("")}));
  v.push_back(empty("6.1.2", "text in 3 empty fragments", {text("", false), cont("", false), cont("", true)}));
  v.push_back(valid("6.1.3", "text in 3 fragments, only the middle one not empty",
                    {text("", false), cont("middle frame payload", false), cont("", true)}, "middle frame payload"));
  // 6.2: valid UTF-8, whole and split anywhere (also inside a code point).
  const std::string hello = "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!";
  v.push_back(valid("6.2.1", "valid UTF-8, one frame", {text(hello)}, hello));
  v.push_back(valid("6.2.2", "valid UTF-8, 2 fragments on a code point boundary",
                    {text(hello.substr(0, 15), false), cont(hello.substr(15), true)}, hello));
  v.push_back(valid("6.2.3", "valid UTF-8, fragments of 1 byte", fragments(hello, 1), hello));
  const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
  v.push_back(valid("6.2.4", "valid UTF-8 (kosme), fragments of 1 byte", fragments(kosme, 1), kosme));
  // 6.3: invalid UTF-8 (a surrogate) in one frame, and in fragments of 1 byte.
  const std::string bad = kosme + "\xed\xa0\x80" + "\x65\x64\x69\x74\x65\x64";
  v.push_back(invalid("6.3.1", "invalid UTF-8, one frame", {text(bad)}));
  v.push_back(invalid("6.3.2", "invalid UTF-8, fragments of 1 byte", fragments(bad, 1)));
  // 6.4: fail fast. Autobahn waits 1 s between the parts and calls the case
  // NON-STRICT if the close comes only after the second wait. Here the driver
  // checks the connection is open after the valid first part, and after the
  // part with the invalid byte waits (with a deadline) for the 1007 before it
  // would send the rest.
  const std::string p1 = kosme, p2 = "\xf4\x90\x80\x80", p3 = "\x65\x64\x69\x74\x65\x64";
  const std::string whole = p1 + p2 + p3;  // invalid at byte 12 (0x90)
  v.push_back(invalid("6.4.1", "fail fast: 3 fragments, the second one invalid",
                      {text(p1, false), still_open(), cont(p2, false), fail_fast(), cont(p3, true)}));
  v.push_back(invalid("6.4.2", "fail fast: 3 fragments, the invalid byte alone",
                      {text(whole.substr(0, 12), false), still_open(), cont(whole.substr(12, 1), false), fail_fast(),
                       cont(whole.substr(13), true)}));
  // 6.4.3/6.4.4: one frame whose payload arrives in 3 parts (the fix: the
  // server reads the invalid byte before the frame is complete).
  v.push_back(invalid("6.4.3", "fail fast: one frame in 3 parts, the second one invalid",
                      {raw(frame_start(whole.size(), p1)), still_open(), raw(frame_rest(whole, 11, 15)), fail_fast(),
                       raw(frame_rest(whole, 15, whole.size()))}));
  v.push_back(invalid("6.4.4", "fail fast: one frame in 3 parts, the invalid byte alone",
                      {raw(frame_start(whole.size(), whole.substr(0, 12))), still_open(), raw(frame_rest(whole, 12, 13)),
                       fail_fast(), raw(frame_rest(whole, 13, whole.size()))}));
  // 6.5-6.23: one text frame each.
  int group = 5;
  for (const auto& g : utf8_groups()) {
    int item = 1;
    for (const auto& [ok, payload] : g.items) {
      const std::string id = "6." + std::to_string(group) + "." + std::to_string(item++);
      if (ok) {
        v.push_back(valid(id, std::string(g.title), {text(payload)}, payload));
      } else {
        v.push_back(invalid(id, std::string(g.title), {text(payload)}));
      }
    }
    ++group;
  }
  return v;
}

}  // namespace chat::test::autobahn
