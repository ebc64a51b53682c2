#include "core/cmdline.h"

#include "core/memparse.h"

#include <cctype>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace mmsim {

static std::uint64_t needSize(const std::string& opt, const std::string& val, std::size_t& end) {
    ParsedSize p = memparsePrefix(val, end);
    if (!p.value) throw std::invalid_argument("bad size in '" + opt + "=" + val + "': " + p.why);
    return *p.value;
}

static CoreAmount parseCore(const std::string& opt, const std::string& val) {
    std::size_t end = 0;
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
    a.bytes = needSize(opt, val, end);
    if (end != val.size()) throw std::invalid_argument("bad size in '" + opt + "=" + val + "'");
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

static CmaOption parseCma(const std::string& val) {
    // early_cma(): size, then '@' base, then '-' limit.
    CmaOption c;
    std::size_t end = 0;
    c.size = needSize("cma", val, end);
    if (end == val.size()) return c;
    if (val[end] != '@') throw std::invalid_argument("trailing text in 'cma=" + val + "'");
    std::string rest = val.substr(end + 1);
    std::size_t e2 = 0;
    c.base = needSize("cma", rest, e2);
    if (e2 == rest.size()) {
        c.limit = c.base + c.size;
        return c;
    }
    if (rest[e2] != '-') throw std::invalid_argument("trailing text in 'cma=" + val + "'");
    std::string lim = rest.substr(e2 + 1);
    std::size_t e3 = 0;
    c.limit = needSize("cma", lim, e3);
    if (e3 != lim.size()) throw std::invalid_argument("trailing text in 'cma=" + val + "'");
    return c;
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
        } else if (key == "cma") {
            o.cma = parseCma(val);
        } else if (key == "memblock" && val == "debug") {
            o.memblock_debug = true;
        }
    }
    return o;
}

} // namespace mmsim
