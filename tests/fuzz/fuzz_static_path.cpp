// libFuzzer target: static path resolution. Any bytes as a request target go
// through normalize_target (the result must be a clean relative path) and
// resolve_under_root against a temporary web root full of traps (symlinks
// out of the root, to its parent, to /, a symlink loop, hidden files); the
// same bytes also go to resolve_under_root directly as a relative path. A
// resolved path is always a canonical regular file inside the root.
#include "fuzz_check.hpp"

#include "http/static_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using chat::server::normalize_target;
using chat::server::resolve_under_root;

void write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

/** The web root and its surroundings, once per process. */
struct tree {
  fs::path dir;
  std::string root;

  tree() {
    std::string templ = (fs::temp_directory_path() / "chatroom-fuzz-static-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(templ.data()) != nullptr, "mkdtemp");
    dir = templ;
    const fs::path web = dir / "web";
    write(dir / "secret.txt", "secret");
    write(dir / "web-evil/x.txt", "a sibling whose name starts like the root's");
    write(web / "index.html", "index");
    write(web / "app.js", "app");
    write(web / "sub/index.html", "sub");
    write(web / "sub/deep/file.txt", "deep");
    write(web / ".hidden", "hidden");
    write(web / "a b.txt", "space");
    fs::create_directories(web / "empty");
    fs::create_symlink(dir / "secret.txt", web / "leak.txt");
    fs::create_symlink("../secret.txt", web / "rel-leak.txt");
    fs::create_directory_symlink(dir, web / "up");
    fs::create_directory_symlink("/", web / "slash");
    fs::create_directory_symlink(dir / "web-evil", web / "evil");
    fs::create_symlink(web / "app.js", web / "inside-link.js");
    fs::create_symlink("loop", web / "loop");
    root = fs::canonical(web).string();
  }

  ~tree() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const tree& the_tree() {
  static tree t;
  return t;
}

void check_resolved(const std::optional<std::string>& path) {
  if (!path) return;
  const auto& t = the_tree();
  FUZZ_CHECK(path->rfind(t.root + "/", 0) == 0, "resolved outside the web root");
  struct stat st {};
  FUZZ_CHECK(::lstat(path->c_str(), &st) == 0 && S_ISREG(st.st_mode), "resolved to something not a regular file");
  FUZZ_CHECK(fs::canonical(*path).string() == *path, "resolved to a path that is not canonical");
}

void check_relative(const std::string& rel) {
  FUZZ_CHECK(rel.empty() || (rel.front() != '/' && rel.back() != '/'), "a leading or trailing '/'");
  FUZZ_CHECK(rel.find("//") == std::string::npos, "an empty segment");
  std::size_t start = 0;
  while (start <= rel.size() && !rel.empty()) {
    const auto end = std::min(rel.find('/', start), rel.size());
    const std::string_view seg(rel.data() + start, end - start);
    FUZZ_CHECK(!seg.empty() && seg.front() != '.', "a '.', '..' or hidden segment");
    start = end + 1;
  }
  for (char c : rel) {
    const auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u >= 0x20 && u != 0x7f && c != '\\', "a control byte or backslash");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& t = the_tree();
  const std::string target(reinterpret_cast<const char*>(data), size);
  if (const auto rel = normalize_target(target)) {
    check_relative(*rel);
    check_resolved(resolve_under_root(t.root, *rel));
  }
  // The resolver must hold on its own, whatever it is given (a NUL would end the C string early).
  if (target.find('\0') == std::string::npos) check_resolved(resolve_under_root(t.root, target));
  return 0;
}
