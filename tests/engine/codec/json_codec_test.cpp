#include "engine/codec/json_codec.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace qingling::codec {
namespace {

// A problem as the store keeps it, cleared and noted, so that every time
// the projection holds is present.
Issue stored_issue() {
  Issue issue;
  issue.id = 7;
  issue.version = 3;
  issue.title = "村道破损";
  issue.category = "C";
  issue.unit = "cc";
  issue.state = "cleared";
  issue.created_by = "inspector";
  issue.created_at = *parse_instant("2026-11-27T01:30:00Z");
  issue.updated_at = *parse_instant("2026-11-28T02:00:00Z");
  issue.cleared_at = *parse_instant("2026-11-28T02:00:00Z");
  issue.last_note = Note{"verify", "已销号", *parse_instant("2026-11-28T02:00:00Z")};
  return issue;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("no " + from + " in " + text);
  return text.replace(at, from.size(), to);
}

TEST(DecodeIssue, ReadsBackWhatEncodeWrote) {
  const std::string text = encode_issue(stored_issue());
  const Issue back = decode_issue(text);
  EXPECT_EQ(back.created_at, stored_issue().created_at);
  EXPECT_EQ(back.cleared_at, stored_issue().cleared_at);
  EXPECT_EQ(encode_issue(back), text);
}

TEST(DecodeIssue, ThrowsOnAMissingOrMalformedTime) {
  // Each time was read through an unchecked optional: a missing created_at
  // was undefined behaviour instead of the documented runtime_error.
  const std::string text = encode_issue(stored_issue());
  const std::string cases[] = {
      replaced(text, "\"created_at\"", "\"created\""),
      replaced(text, "\"updated_at\":\"2026-11-28", "\"updated_at\":\"yesterday"),
      replaced(text, "\"cleared_at\":\"2026-11-28", "\"cleared_at\":\"2026-13-28"),
      replaced(text, "\"at\":\"2026-11-28", "\"at\":\""),
  };
  for (const std::string& bad : cases) {
    EXPECT_THROW(decode_issue(bad), std::runtime_error) << bad;
  }
}

}  // namespace
}  // namespace qingling::codec
