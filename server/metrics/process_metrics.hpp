// The process's own figures as the Prometheus client libraries name them
// (process_open_fds, process_resident_memory_bytes, …), read from /proc and
// getrusage at each scrape: nothing is counted between scrapes.
#pragma once

namespace chat::server::metrics {

class registry;

/** Adds the process_* families and chatroom_heap_in_use_bytes to `r`; the start time is taken now. */
void add_process_metrics(registry& r);

}  // namespace chat::server::metrics
