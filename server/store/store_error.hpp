// The one error every store interface throws.
#pragma once

#include <stdexcept>

namespace chat::server {

/** A failure of the database itself (I/O error, corrupt file, disk full, lost
 *  connection); the call did nothing, or (for writes) nothing that is visible. */
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace chat::server
