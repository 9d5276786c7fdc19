#include "engine/mail/transport.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include <curl/curl.h>

namespace qingling::mail {
namespace {

constexpr std::size_t kMaxReplyText = 200;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

struct Upload {
  std::string_view bytes;
  std::size_t sent = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->bytes.size() - upload->sent);
  std::memcpy(buffer, upload->bytes.data() + upload->sent, n);
  upload->sent += n;
  return n;
}

// libcurl reports only the reply code; the server's own words ("550 5.1.1 no
// such user") reach us through the debug callback. Only refusals are kept, as
// the QUIT after a failure would otherwise overwrite them.
int keep_refusal(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN || size == 0 || (data[0] != '4' && data[0] != '5')) return 0;
  std::string line(data, std::min(size, kMaxReplyText));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  for (auto& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  *static_cast<std::string*>(user) = std::move(line);
  return 0;
}

// "smtp://user:secret@host:25" -> "smtp://host:25", for logs.
std::string without_userinfo(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host = scheme + 3;
  const auto at = url.find('@', host);
  if (at == std::string::npos || at > url.find('/', host)) return url;
  return url.substr(0, host) + url.substr(at + 1);
}

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {
    init_curl_once();
  }

  Outcome send(const Message& message) override {
    if (auto problem = validate(message); !problem.empty()) {
      return {Outcome::Kind::Permanent, std::move(problem)};
    }
    const std::string bytes = render(message);
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    curl_slist* head = nullptr;
    for (const auto& to : message.to) {
      const std::string angle = "<" + to.email + ">";
      curl_slist* appended = curl_slist_append(head, angle.c_str());  // null leaves `head` as is
      if (appended == nullptr) {
        curl_slist_free_all(head);
        throw std::bad_alloc();
      }
      head = appended;
    }
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
        head, &curl_slist_free_all);
    const std::string from = "<" + message.from.email + ">";
    const long timeout_ms = static_cast<long>(std::max<std::chrono::milliseconds::rep>(
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout).count(), 1000));
    Upload upload{bytes};
    char error[CURL_ERROR_SIZE] = {};
    std::string refusal;

    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(bytes.size()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &keep_refusal);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &refusal);
    if (settings_.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.user.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, settings_.user.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
    }

    const CURLcode code = curl_easy_perform(h);
    if (code == CURLE_OK) return {Outcome::Kind::Sent, "accepted by " + describe()};
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    std::string detail = describe() + ": " + curl_easy_strerror(code);
    if (error[0] != '\0') detail += std::string(" (") + error + ")";
    if (!refusal.empty()) {
      detail += "; server said \"" + refusal + "\"";
    } else if (reply != 0) {
      detail += "; last SMTP reply " + std::to_string(reply);
    }
    // A refused login is a setting to fix, after which the same message will go.
    const bool refused = reply >= 500 && reply < 600 && code != CURLE_LOGIN_DENIED;
    return {refused ? Outcome::Kind::Permanent : Outcome::Kind::Temporary, std::move(detail)};
  }

  std::string describe() const override { return without_userinfo(settings_.url); }

 private:
  SmtpSettings settings_;
};

}  // namespace

std::unique_ptr<Transport> smtp_transport(SmtpSettings settings) {
  return std::make_unique<SmtpTransport>(std::move(settings));
}

}  // namespace qingling::mail
