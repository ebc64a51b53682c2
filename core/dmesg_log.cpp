// Reading a boot log: see dmesg_log.h.
#include "core/dmesg_log.h"

#include "core/strfmt.h"

#include <cctype>
#include <cstdio>

namespace mmsim::dmesg {

std::string hexs(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

std::vector<std::string> rawLines(const std::string& text) {
    std::vector<std::string> out = splitLines(text);
    for (std::string& line : out)
        if (!line.empty() && line.back() == '\r') line.pop_back();
    return out;
}

std::size_t skipTimestamp(const std::string& s, std::size_t p) {
    if (p >= s.size() || s[p] != '[') return npos;
    std::size_t q = p + 1;
    while (q < s.size() && s[q] == ' ')
        ++q;
    std::size_t d = q;
    while (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q])))
        ++q;
    if (q == d || q >= s.size() || s[q] != '.') return npos;
    d = ++q;
    while (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q])))
        ++q;
    if (q == d || q >= s.size() || s[q] != ']') return npos;
    ++q;
    if (q < s.size() && s[q] == ' ') ++q;
    return q;
}

Log splitLog(const std::string& text) {
    Log log;
    std::vector<std::string> raw = rawLines(text);
    std::size_t end = raw.size();
    for (std::size_t i = 0; i < raw.size(); ++i)
        if (startsWith(raw[i], "=====")) {
            end = i;
            break;
        }
    std::size_t start = 0, versionAt = npos;
    for (std::size_t i = 0; i < end; ++i) {
        std::size_t p = raw[i].find("Linux version ");
        if (p == npos) continue;
        start = i;
        versionAt = p;
        log.hasVersion = true;
        // The timestamp right before it, if any, belongs to the line.
        std::size_t b = p > 0 ? raw[i].rfind('[', p - 1) : npos;
        if (b != npos && skipTimestamp(raw[i], b) == p) versionAt = b;
        break;
    }
    for (std::size_t i = start; i < end; ++i) {
        const std::string& s = raw[i];
        std::size_t p = 0;
        if (i == start && log.hasVersion) p = versionAt;
        std::size_t q = skipTimestamp(s, p);
        if (q != npos) p = q;
        log.lines.push_back({static_cast<int>(i + 1), p, s.substr(p)});
    }
    return log;
}

std::string callName(const std::string& m) {
    if (!startsWith(m, "memblock_")) return {};
    std::size_t c = m.find(':');
    if (c == npos || c + 1 >= m.size() || m[c + 1] != ' ') return {};
    for (std::size_t i = 0; i < c; ++i)
        if (!std::islower(static_cast<unsigned char>(m[i])) && m[i] != '_' &&
            !std::isdigit(static_cast<unsigned char>(m[i])))
            return {};
    return m.substr(0, c);
}

bool isDumpLine(const std::string& m) {
    return m == "MEMBLOCK configuration:" || startsWith(m, " memory size = ") ||
           startsWith(m, " memory.cnt") || startsWith(m, " memory[") ||
           startsWith(m, " reserved.cnt") || startsWith(m, " reserved[") ||
           startsWith(m, " physmem.cnt") || startsWith(m, " physmem[");
}

bool isMemblockLine(const std::string& m) {
    return !callName(m).empty() || startsWith(m, "memblock: ") || isDumpLine(m);
}

bool isZonelistLine(const std::string& m) {
    return startsWith(m, "Fallback order for Node") ||
           (startsWith(m, "Built ") && m.find(" zonelists") != npos);
}

std::string callerOf(const std::string& m) {
    std::size_t sp = m.rfind(' ');
    if (sp == npos) return {};
    std::string last = m.substr(sp + 1);
    if (last.empty() || last[0] == '[' || last.find('=') != npos || last.back() == ']') return {};
    return last;
}

std::string callerFn(const std::string& caller) {
    return caller.substr(0, caller.find('+'));
}

} // namespace mmsim::dmesg
