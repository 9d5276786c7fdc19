#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/sheet/table.h"

namespace qingling::sheet {

// The attributes of one element, by local name: "r:id" is found as "id".
class XmlAttributes {
 public:
  explicit XmlAttributes(const char** pairs) : pairs_(pairs) {}
  // The value, or null when the element has no such attribute.
  std::optional<std::string_view> get(std::string_view name) const;

 private:
  const char** pairs_;  // expat's: name, value, name, value, ..., null
};

// Receives the events of one XML document. Element names are local names:
// namespaces are dropped, so <x:row> and <row> read alike (writers differ
// in prefixes, and Strict OOXML in namespace URIs). A handler that sets
// `error` stops the parse.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XmlAttributes& attributes) = 0;
  virtual void end(std::string_view name) = 0;
  // Character data, possibly in several chunks per text node.
  virtual void text(std::string_view chunk) = 0;

  std::optional<ReadError> error;
};

class ZipArchive;

// Parses the part `name` of `archive` into `handler`. A ReadError (where =
// the part's name) for a missing, oversized or corrupt part, malformed XML
// or a DOCTYPE (OOXML has none; refusing it rules out entity tricks), or
// the handler's own error.
std::optional<ReadError> parse_part(const ZipArchive& archive, std::string_view name,
                                    XmlHandler& handler, const ReadLimits& limits);

}  // namespace qingling::sheet
