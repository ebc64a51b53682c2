// The number and range syntax of boot log lines: see dmesg_cursor.h.
#include "core/dmesg_cursor.h"

#include <cctype>

namespace mmsim::dmesg {

u64 Cursor::digits(int base, const char* what, std::size_t start, bool strict) {
    std::size_t p = pos_;
    u64 v = 0;
    for (; p < s_.size(); ++p) {
        char c = s_[p];
        int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                            : 99;
        if (d >= base) break;
        if (v > (~u64{0} - static_cast<u64>(d)) / static_cast<u64>(base))
            throw ParseFail{start, std::string(what) + " does not fit in 64 bits"};
        v = v * static_cast<u64>(base) + static_cast<u64>(d);
    }
    if (p == pos_) throw ParseFail{pos_, std::string("expected a number (") + what + ")"};
    if (strict && p < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[p])) || s_[p] == '_'))
        throw ParseFail{start, std::string("malformed number (") + what + ")"};
    pos_ = p;
    return v;
}

std::pair<u64, u64> parseRange(Cursor& c, const char* open) {
    c.expect(open);
    u64 base = c.hex("range start");
    c.expect("-");
    std::size_t at = c.pos();
    u64 end = c.hex("range end");
    c.expect("]");
    if (end < base && end + 1 != base) throw ParseFail{at, "range ends before it starts"};
    return {base, end - base + 1};
}

std::string parseCaller(Cursor& c) {
    if (c.atEnd()) return {};
    c.expect(" ");
    return c.rest();
}

} // namespace mmsim::dmesg
