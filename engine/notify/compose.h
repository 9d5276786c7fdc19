#pragma once

#include <string>

#include "engine/core/time.h"
#include "engine/mail/message.h"
#include "engine/store/store.h"

namespace qingling::notify {

struct ComposeOptions {
  mail::Address from;
  std::string campaign;   // its name, for digest subjects
  std::string id_domain;  // right side of Message-IDs: "chengchuan.qingling"
  TimeZone zone;          // local dates in digest subjects
};

// The e-mail for one outbox row. One item is sent as it was written; several
// make a digest listing them all. The Message-ID comes from the row's id, so
// that a message sent again after a crash is recognisably the same one.
mail::Message compose(const store::OutboxMessage& message, const ComposeOptions& options);

// `text` as HTML paragraphs, escaped.
std::string html_paragraphs(const std::string& text);

}  // namespace qingling::notify
