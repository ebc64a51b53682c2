#include "core/cmdline.h"

#include <cctype>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace mmsim {

std::uint64_t memparsePrefix(const std::string& s, std::size_t& end, bool& ok) {
    std::size_t i = 0;
    unsigned base = 10;
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.size() > 2 &&
        std::isxdigit(static_cast<unsigned char>(s[2]))) {
        base = 16;
        i = 2;
    } else if (s.size() >= 1 && s[0] == '0') {
        base = 8;
    }
    ok = false;
    unsigned __int128 v = 0;
    std::size_t digits_start = i;
    for (; i < s.size(); ++i) {
        int d;
        char c = s[i];
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else break;
        if (d >= static_cast<int>(base)) break;
        v = v * base + static_cast<unsigned>(d);
        if (v > std::numeric_limits<std::uint64_t>::max()) {
            end = i;
            return 0;
        }
    }
    if (i == digits_start) {
        end = 0;
        return 0;
    }
    int shift = 0;
    if (i < s.size()) {
        switch (s[i]) {
        case 'E': case 'e': shift = 60; break;
        case 'P': case 'p': shift = 50; break;
        case 'T': case 't': shift = 40; break;
        case 'G': case 'g': shift = 30; break;
        case 'M': case 'm': shift = 20; break;
        case 'K': case 'k': shift = 10; break;
        default: break;
        }
        if (shift) ++i;
    }
    if (shift && v > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
        end = i;
        return 0;
    }
    end = i;
    ok = true;
    return static_cast<std::uint64_t>(v) << shift;
}

static std::uint64_t needSize(const std::string& opt, const std::string& val, std::size_t& end) {
    bool ok = false;
    std::uint64_t v = memparsePrefix(val, end, ok);
    if (!ok) throw std::invalid_argument("bad size in '" + opt + "=" + val + "'");
    return v;
}

static CoreAmount parseCore(const std::string& opt, const std::string& val) {
    std::size_t end = 0;
    bool ok = false;
    CoreAmount a;
    // A percentage is a plain decimal number followed by '%'.
    if (!val.empty() && val.back() == '%') {
        std::string num = val.substr(0, val.size() - 1);
        if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos)
            throw std::invalid_argument("bad percentage in '" + opt + "=" + val + "'");
        unsigned long p = std::stoul(num);
        if (p > 100) throw std::invalid_argument("'" + opt + "=" + val + "' is over 100%");
        a.percent = static_cast<unsigned>(p);
        return a;
    }
    a.bytes = memparsePrefix(val, end, ok);
    if (!ok || end != val.size())
        throw std::invalid_argument("bad size in '" + opt + "=" + val + "'");
    return a;
}

static void parseMemmap(const std::string& val, CmdlineOptions& o) {
    // Several maps may be separated by commas.
    std::size_t pos = 0;
    while (pos <= val.size()) {
        std::size_t comma = val.find(',', pos);
        std::string one = val.substr(pos, comma == std::string::npos ? std::string::npos
                                                                      : comma - pos);
        if (one == "exactmap") {
            o.memmap.push_back({MemmapOption::ExactMap, 0, 0});
        } else {
            std::size_t end = 0;
            MemmapOption m;
            m.size = needSize("memmap", one, end);
            if (end == one.size()) {
                m.kind = MemmapOption::Limit;
            } else {
                char sep = one[end];
                std::string rest = one.substr(end + 1);
                std::size_t e2 = 0;
                m.start = needSize("memmap", rest, e2);
                if (e2 != rest.size())
                    throw std::invalid_argument("trailing text in 'memmap=" + one + "'");
                switch (sep) {
                case '@': m.kind = MemmapOption::AddRam; break;
                case '#': m.kind = MemmapOption::AddAcpi; break;
                case '$': m.kind = MemmapOption::AddReserved; break;
                case '!': m.kind = MemmapOption::AddPram; break;
                default:
                    throw std::invalid_argument("unknown separator '" + std::string(1, sep) +
                                                "' in 'memmap=" + one + "'");
                }
            }
            o.memmap.push_back(m);
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
}

CmdlineOptions parseCmdline(const std::string& cmdline) {
    CmdlineOptions o;
    std::istringstream in(cmdline);
    std::string word;
    while (in >> word) {
        std::size_t eq = word.find('=');
        std::string key = word.substr(0, eq);
        std::string val = eq == std::string::npos ? std::string() : word.substr(eq + 1);
        if (key == "mem") {
            std::size_t end = 0;
            std::uint64_t v = needSize("mem", val, end);
            if (end != val.size()) throw std::invalid_argument("bad size in 'mem=" + val + "'");
            o.mem = v;
        } else if (key == "memmap") {
            parseMemmap(val, o);
        } else if (key == "movablecore") {
            o.movablecore = parseCore(key, val);
        } else if (key == "kernelcore") {
            if (val == "mirror") o.kernelcore_mirror = true;
            else o.kernelcore = parseCore(key, val);
        } else if (key == "movable_node") {
            o.movable_node = true;
        } else if (key == "memblock" && val == "debug") {
            o.memblock_debug = true;
        }
    }
    return o;
}

} // namespace mmsim
