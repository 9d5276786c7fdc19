#include "engine/sheet/xml_reader.h"

#include <expat.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "engine/sheet/zip_archive.h"

namespace qingling::sheet {
namespace {

// Expat is made to join namespace and local name with this separator.
constexpr char kSeparator = '|';

std::string_view local_name(const char* name) {
  const char* bar = std::strrchr(name, kSeparator);
  return bar ? std::string_view(bar + 1) : std::string_view(name);
}

struct ParserFree {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

struct Session {
  XML_Parser parser;
  XmlHandler* handler;
  bool doctype = false;
};

void stop_if_failed(Session& s) {
  if (s.handler->error) XML_StopParser(s.parser, XML_FALSE);
}

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto& s = *static_cast<Session*>(data);
  s.handler->start(local_name(name), XmlAttributes(attributes));
  stop_if_failed(s);
}

void on_end(void* data, const XML_Char* name) {
  auto& s = *static_cast<Session*>(data);
  s.handler->end(local_name(name));
  stop_if_failed(s);
}

void on_text(void* data, const XML_Char* text, int length) {
  auto& s = *static_cast<Session*>(data);
  s.handler->text(std::string_view(text, static_cast<std::size_t>(length)));
  stop_if_failed(s);
}

void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto& s = *static_cast<Session*>(data);
  s.doctype = true;
  XML_StopParser(s.parser, XML_FALSE);
}

}  // namespace

std::optional<std::string_view> XmlAttributes::get(std::string_view name) const {
  for (const char** p = pairs_; p && *p; p += 2) {
    if (local_name(p[0]) == name) return std::string_view(p[1]);
  }
  return std::nullopt;
}

std::optional<ReadError> parse_part(const ZipArchive& archive, std::string_view name,
                                    XmlHandler& handler, const ReadLimits& limits) {
  std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreateNS(nullptr, kSeparator));
  if (!parser) throw std::bad_alloc();
  Session session{parser.get(), &handler};
  XML_SetUserData(parser.get(), &session);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);

  const std::string part(name);
  std::string xml_error;
  const auto feed = [&](std::string_view chunk, bool last) {
    if (XML_Parse(parser.get(), chunk.data(), static_cast<int>(chunk.size()), last) ==
        XML_STATUS_OK) {
      return true;
    }
    if (!handler.error && !session.doctype) {
      xml_error = std::string("malformed XML at line ") +
                  std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
                  XML_ErrorString(XML_GetErrorCode(parser.get()));
    }
    return false;
  };
  bool stopped = false;
  const std::string zip_error = archive.read(part, limits.max_part_bytes, [&](std::string_view c) {
    stopped = !feed(c, false);
    return !stopped;
  });
  if (!zip_error.empty()) return ReadError{part, zip_error};
  if (!stopped) feed({}, true);
  if (handler.error) return handler.error;
  if (session.doctype) return ReadError{part, "a DOCTYPE is not allowed in a workbook part"};
  if (!xml_error.empty()) return ReadError{part, xml_error};
  return std::nullopt;
}

}  // namespace qingling::sheet
