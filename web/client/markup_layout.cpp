// The parsed body as the text engine and the mirror take it (see markup_layout.hpp).
#include "client/markup_layout.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace chat::web::markup {

std::string layout_spec(std::string_view body, const document& doc) {
  using nlohmann::json;
  json paras = json::array();
  for (const block& b : doc.blocks) {
    const int kind = b.kind == block_kind::quote ? 1 : b.kind == block_kind::code ? 2 : 0;
    for (const line& l : b.lines) {
      json runs = json::array();
      for (const run& r : l.runs) {
        runs.push_back(json::array({std::string(body.substr(r.begin, r.end - r.begin)), r.styles, r.begin}));
      }
      paras.push_back({{"k", kind}, {"r", std::move(runs)}});
    }
  }
  return json{{"p", std::move(paras)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

const run* run_at(const document& doc, std::size_t offset) {
  for (const block& b : doc.blocks) {
    for (const line& l : b.lines) {
      if (offset < l.begin || offset > l.end) continue;
      for (const run& r : l.runs) {
        if (offset >= r.begin && offset < r.end) return &r;
      }
    }
  }
  return nullptr;
}

std::vector<span> link_spans(std::string_view body, const document& doc) {
  std::vector<span> out;
  const auto add = [&out](std::string_view text, const std::string& href) {
    if (text.empty()) return;
    if (!href.empty() || out.empty() || !out.back().href.empty()) out.push_back(span{std::string(text), href});
    else out.back().text += text;
  };
  bool first = true;
  for (const block& b : doc.blocks) {
    for (const line& l : b.lines) {
      if (!first) add("\n", {});
      first = false;
      for (const run& r : l.runs) {
        add(body.substr(r.begin, r.end - r.begin), (r.styles & link) && allowed_href(r.href) ? r.href : std::string());
      }
    }
  }
  return out;
}

bool allowed_href(std::string_view href) {
  const auto has = [href](std::string_view scheme) {
    if (href.size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(href[i])) != scheme[i]) return false;
    }
    return true;
  };
  return has("http://") || has("https://") || has("mailto:");
}

}  // namespace chat::web::markup
