#include "engine/notify/compose.h"

#include "engine/report/render.h"

namespace qingling::notify {
namespace {

std::string trimmed(const std::string& text) {
  const std::size_t end = text.find_last_not_of("\n ");
  return end == std::string::npos ? std::string{} : text.substr(0, end + 1);
}

std::string document(const std::string& body) {
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>"
         "<body style=\"font-family:sans-serif;line-height:1.6\">" +
         body + "</body></html>";
}

std::string local_day(Instant at, const TimeZone& zone) {
  const std::chrono::year_month_day ymd{zone.local_date(at)};
  return std::to_string(static_cast<int>(ymd.year())) + "年" +
         std::to_string(static_cast<unsigned>(ymd.month())) + "月" +
         std::to_string(static_cast<unsigned>(ymd.day())) + "日";
}

}  // namespace

std::string html_paragraphs(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  const std::string body = trimmed(text);
  while (start <= body.size() && !body.empty()) {
    const std::size_t end = body.find('\n', start);
    const std::string line = body.substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty()) out += "<p>" + report::html_escape(line) + "</p>";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

mail::Message compose(const store::OutboxMessage& m, const ComposeOptions& options) {
  mail::Message out;
  out.message_id = "outbox-" + std::to_string(m.id) + "@" + options.id_domain;
  out.from = options.from;
  out.to = {{m.recipient_name, m.recipient}};
  out.date = m.slot;
  out.headers = {{"X-Qingling-Kind", m.kind}, {"X-Qingling-Outbox", std::to_string(m.id)}};
  if (m.items.size() == 1) {
    const store::OutboxItem& item = m.items.front();
    out.subject = item.subject;
    out.text = trimmed(item.text) + "\n";
    out.html = item.html.empty() ? document(html_paragraphs(item.text)) : item.html;
    return out;
  }
  const std::string count = std::to_string(m.items.size());
  out.subject = "【整改督办汇总】" + options.campaign + "：" + count + "条提醒（" +
                local_day(m.slot, options.zone) + "）";
  std::string text = m.recipient_name + "：\n以下" + count + "条整改事项需要关注：\n";
  std::string html = "<p>" + report::html_escape(m.recipient_name) + "：</p><p>以下" + count +
                     "条整改事项需要关注：</p><ol>";
  int n = 0;
  for (const store::OutboxItem& item : m.items) {
    text += "\n" + std::to_string(++n) + ". " + item.subject + "\n" + trimmed(item.text) + "\n";
    html += "<li><p><strong>" + report::html_escape(item.subject) + "</strong></p>" +
            html_paragraphs(item.text) + "</li>";
  }
  out.text = text;
  out.html = document(html + "</ol>");
  return out;
}

}  // namespace qingling::notify
