// Runs one Autobahn-derived case (ab_case.hpp) on its own WebSocket
// connection to a chat server on 127.0.0.1 and judges it as Autobahn would:
// OK, NON-STRICT or FAILED, with what differed.
#pragma once

#include "autobahn/ab_case.hpp"

#include <cstdint>
#include <string>

namespace chat::test::autobahn {

struct case_result {
  verdict v = verdict::failed;
  std::string detail;  ///< why, when not OK
};

/** Connects as guest `user` (v=1, resuming past the newest message so no
 *  history comes), carries out `c` and judges what came back. */
case_result run_case(std::uint16_t port, const test_case& c, const std::string& user);

}  // namespace chat::test::autobahn
