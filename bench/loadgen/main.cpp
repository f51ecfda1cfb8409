// chat-loadgen: parses the command line, runs one workload, prints the result.
#include "options.hpp"
#include "report.hpp"
#include "runner.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  const auto parsed = loadgen::parse_options(argc, argv);
  if (!parsed.opts) {
    if (parsed.error == "help") {
      std::fputs(loadgen::usage().c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "chat-loadgen: %s\n", parsed.error.c_str());
    return 2;
  }
  const auto& o = *parsed.opts;
  const long fds = loadgen::raise_open_file_limit();
  if (fds >= 0 && o.clients + 64 > fds) {
    std::fprintf(stderr, "chat-loadgen: %d clients need more than the open-file limit of %ld\n", o.clients, fds);
    return 2;
  }
  const auto r = loadgen::run(o);
  const auto out = o.json ? loadgen::to_json_line(r) + "\n" : loadgen::to_text(r);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  if (r.fatal) return 2;
  if (o.strict && !r.clean()) return 1;
  return 0;
}
