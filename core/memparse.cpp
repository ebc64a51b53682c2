// Sizes as the kernel's memparse() reads them (lib/cmdline.c), shared by the
// scenario loader and the command-line parser.
#include "core/memparse.h"

#include <limits>

namespace mmsim {

const std::string_view kSizeSyntax =
    "expected an integer, 0x-hex or a number with K/M/G/T/P/E suffix";


static bool isDigitIn(char c, unsigned base, unsigned& val) {
    unsigned lc = static_cast<unsigned char>(c) | 0x20;
    if (c >= '0' && c <= '9')
        val = static_cast<unsigned>(c - '0');
    else if (lc >= 'a' && lc <= 'f')
        val = lc - 'a' + 10;
    else
        return false;
    return val < base;
}

// lib/cmdline.c memparse(): simple_strtoull(ptr, &end, 0) -- "0x" + hex digit
// means hex, a leading "0" octal, else decimal -- then an optional suffix
// K, M, G, T, P or E (either case) shifting by 10, 20, ... 60 bits.
//
// Stricter than the kernel, on purpose: the kernel stops at the first
// character it does not understand and silently ignores the rest ("64MB" is
// 64M, "12Q" is 12, "" is 0) and wraps on overflow; a scenario is a lesson,
// so all of these are errors here.
ParsedSize memparsePrefix(const std::string& s, std::size_t& end) {
    end = 0;
    if (s.empty()) return {std::nullopt, "it is empty; " + std::string(kSizeSyntax)};
    if (s[0] < '0' || s[0] > '9') return {std::nullopt, std::string(kSizeSyntax)};
    unsigned base = 10;
    std::size_t i = 0;
    if (s[0] == '0') {
        unsigned v = 0;
        if (s.size() > 2 && (s[1] | 0x20) == 'x' && isDigitIn(s[2], 16, v)) {
            base = 16;
            i = 2;
        } else {
            base = 8;
        }
    }
    std::uint64_t ret = 0;
    for (unsigned val = 0; i < s.size() && isDigitIn(s[i], base, val); ++i) {
        if (ret > (std::numeric_limits<std::uint64_t>::max() - val) / base)
            return {std::nullopt, "the value exceeds 2^64-1 (18446744073709551615)"};
        ret = ret * base + val;
    }
    if (base == 8 && i < s.size() && (s[i] == '8' || s[i] == '9'))
        return {std::nullopt, "a leading 0 makes it octal, as in the kernel's memparse, and '" +
                                  std::string(1, s[i]) + "' is not an octal digit"};
    if (i < s.size()) {
        int shift = 0;
        switch (s[i] | 0x20) {
        case 'e':
            shift = 60;
            break;
        case 'p':
            shift = 50;
            break;
        case 't':
            shift = 40;
            break;
        case 'g':
            shift = 30;
            break;
        case 'm':
            shift = 20;
            break;
        case 'k':
            shift = 10;
            break;
        }
        if (shift) {
            if (ret >> (64 - shift))
                return {std::nullopt, "the value exceeds 2^64-1 (18446744073709551615)"};
            ret <<= shift;
            ++i;
        }
    }
    end = i;
    return {ret, {}};
}

ParsedSize memparseDetailed(const std::string& s) {
    std::size_t end = 0;
    ParsedSize p = memparsePrefix(s, end);
    if (p.value && end != s.size()) return {std::nullopt, std::string(kSizeSyntax)};
    return p;
}

} // namespace mmsim
