// What the text path and the mirror take from a parsed body: the styled runs
// with their byte offsets, the link under an offset, text and links for the
// screen reader, and the schemes a link may open.
#include "client/markup_layout.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace chat::web::markup;

TEST_CASE("the layout spec has the shown runs with their byte offsets, markers left out") {
  const std::string body = "**héllo** `x`\n> quoted\n```\ncode line\n```";
  const auto j = nlohmann::json::parse(layout_spec(body, parse(body)));
  const auto& p = j.at("p");
  REQUIRE(p.size() == 3);
  CHECK(p[0].at("k") == 0);
  CHECK(p[0].at("r")[0] == nlohmann::json::array({"héllo", bold, 2}));
  CHECK(p[0].at("r")[1] == nlohmann::json::array({" ", plain, 10}));
  CHECK(p[0].at("r")[2] == nlohmann::json::array({"x", code, 12}));
  CHECK(p[1].at("k") == 1);
  CHECK(p[1].at("r")[0] == nlohmann::json::array({"quoted", plain, 17}));
  CHECK(p[2].at("k") == 2);
  CHECK(p[2].at("r")[0] == nlohmann::json::array({"code line", code, 28}));
  for (const auto& para : p) {
    for (const auto& r : para.at("r")) {
      const std::string text = r[0];
      CHECK(body.substr(r[2].get<std::size_t>(), text.size()) == text);  // the offset points at the shown text
    }
  }
}

TEST_CASE("a blank line is an empty paragraph; an empty body has none") {
  const std::string body = "a\n\nb";
  const auto j = nlohmann::json::parse(layout_spec(body, parse(body)));
  REQUIRE(j.at("p").size() == 3);
  CHECK(j.at("p")[1].at("r").empty());
  CHECK(nlohmann::json::parse(layout_spec("", parse(""))).at("p").size() <= 1);
}

TEST_CASE("the run at a byte offset finds the link under it, not the markers or the text beside it") {
  const std::string body = "see **https://example.com/a_(b)** now";
  const document doc = parse(body);
  const std::size_t at = body.find("https");
  const run* r = run_at(doc, at + 5);
  REQUIRE(r != nullptr);
  CHECK((r->styles & style::link) != 0);
  CHECK((r->styles & bold) != 0);
  CHECK(r->href == "https://example.com/a_(b)");
  CHECK(run_at(doc, at - 1) == nullptr);  // the "**" marker is shown by no run
  REQUIRE(run_at(doc, 0) != nullptr);
  CHECK((run_at(doc, 0)->styles & style::link) == 0);
  CHECK(run_at(doc, body.size()) == nullptr);
}

TEST_CASE("the mirror gets the shown text cut into text and links") {
  const std::string body = "**Docs**: https://example.com/x and mailto:a@b.org\n> javascript:alert(1)";
  const auto spans = link_spans(body, parse(body));
  REQUIRE(spans.size() == 5);
  CHECK(spans[0] == span{"Docs: ", ""});
  CHECK(spans[1] == span{"https://example.com/x", "https://example.com/x"});
  CHECK(spans[2] == span{" and ", ""});
  CHECK(spans[3] == span{"mailto:a@b.org", "mailto:a@b.org"});
  CHECK(spans[4] == span{"\njavascript:alert(1)", ""});  // the quote's "> " left out, no link
  const auto tail = link_spans("x\njavascript:alert(1) data:text/html,hi", parse("x\njavascript:alert(1) data:text/html,hi"));
  REQUIRE(tail.size() == 1);
  CHECK(tail[0].text == "x\njavascript:alert(1) data:text/html,hi");
}

TEST_CASE("only http, https and mailto may open") {
  CHECK(allowed_href("https://example.com"));
  CHECK(allowed_href("HTTP://example.com"));
  CHECK(allowed_href("mailto:a@b.org"));
  CHECK_FALSE(allowed_href("javascript:alert(1)"));
  CHECK_FALSE(allowed_href("data:text/html,hi"));
  CHECK_FALSE(allowed_href("https:"));
  CHECK_FALSE(allowed_href(" https://x"));
  CHECK_FALSE(allowed_href(""));
}
