// The number and range syntax of boot log lines: a cursor over one line
// that throws ParseFail (offset in the line and a message) where the text
// does not match, which the importer turns into an InputError at file:line:col.
// Internal to the dmesg importer.
#pragma once

#include "core/dmesg_log.h"

#include <algorithm>
#include <climits>
#include <string>
#include <string_view>
#include <utility>

namespace mmsim::dmesg {

struct ParseFail {
    std::size_t pos;
    std::string msg;
};

class Cursor {
  public:
    explicit Cursor(std::string_view s, std::size_t pos = 0) : s_(s), pos_(pos) {}
    std::size_t pos() const { return pos_; }
    bool atEnd() const { return pos_ >= s_.size(); }
    bool accept(std::string_view lit) {
        if (s_.substr(pos_, lit.size()) != lit) return false;
        pos_ += lit.size();
        return true;
    }
    void expect(std::string_view lit) {
        if (!accept(lit)) throw ParseFail{pos_, "expected \"" + std::string(lit) + "\""};
    }
    void spaces() {
        while (pos_ < s_.size() && s_[pos_] == ' ')
            ++pos_;
    }
    u64 hex(const char* what) {
        std::size_t start = pos_;
        if (!accept("0x") && !accept("0X"))
            throw ParseFail{start, std::string("expected a hex number (") + what + ")"};
        return digits(16, what, start, true);
    }
    u64 hexDigits(const char* what) { return digits(16, what, pos_, true); }
    u64 dec(const char* what, bool strict = true) { return digits(10, what, pos_, strict); }
    long long sdec(const char* what) {
        std::size_t start = pos_;
        bool neg = accept("-");
        u64 v = digits(10, what, start, true);
        if (v > static_cast<u64>(INT_MAX))
            throw ParseFail{start, std::string(what) + " out of range"};
        return neg ? -static_cast<long long>(v) : static_cast<long long>(v);
    }
    std::string rest() {
        std::string r(s_.substr(std::min(pos_, s_.size())));
        pos_ = s_.size();
        return r;
    }

  private:
    u64 digits(int base, const char* what, std::size_t start, bool strict);
    std::string_view s_;
    std::size_t pos_;
};

// "[0x..-0x..]" (inclusive end) -> base, size. A size of 0 prints end = base-1.
std::pair<u64, u64> parseRange(Cursor& c, const char* open);

// The %pS caller a call line may end with (" caller+0x../0x.."): the rest of
// the line after a space, or "" at the end of the line.
std::string parseCaller(Cursor& c);

} // namespace mmsim::dmesg
