// One run of the generator: log in (chat), connect every client, then send and
// check arrivals (fanout), hold (idle) or time logins (login); all on one thread.
#pragma once

#include "options.hpp"
#include "report.hpp"

#include <memory>

namespace loadgen {

/** Runs `opts` to the end (bounded by its timeout) and returns what it measured. */
result run(const options& opts);

/** Raises this process's soft open-file limit to its hard limit; returns the new soft limit. */
long raise_open_file_limit();

}  // namespace loadgen
