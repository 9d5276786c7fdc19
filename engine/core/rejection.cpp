#include "engine/core/rejection.h"

#include <stdexcept>

namespace qingling {

void throw_exception_from_error(const Rejection& r, const boost::source_location& loc) {
  throw std::logic_error("unchecked rejection at " + std::string(loc.file_name()) + ":" +
                         std::to_string(loc.line()) + ": " + r.detail);
}

}  // namespace qingling
