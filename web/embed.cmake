# Writes OUTPUT, a C++ file defining `std::string_view NAME()` that returns
# the bytes of INPUT: files served by the binary wherever it runs from.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUTPUT}.tmp"
  "#include <string_view>\n"
  "namespace qingling::web {\n"
  "namespace { const char kBytes[] = {${bytes} '\\0'}; }\n"
  "std::string_view ${NAME}() { return {kBytes, ${size}}; }\n"
  "}  // namespace qingling::web\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
