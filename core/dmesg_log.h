// The lines of a boot log as the dmesg importer reads them: split, carriage
// returns and dmesg timestamps stripped, cut to the boot proper; and the
// tests on a single line (memblock=debug calls, MEMBLOCK dumps, callers).
// Internal to the importer (import_dmesg.cpp and the dmesg_*.cpp files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmsim::dmesg {

using u64 = std::uint64_t;
inline constexpr std::size_t npos = std::string::npos;

// "0x" and the lowercase hex digits of v, as scenarios write addresses.
std::string hexs(u64 v);

inline bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

struct LogLine {
    int no = 0;           // 1-based line number in the file
    std::size_t col0 = 0; // where the message starts in the raw line (0-based)
    std::string msg;      // the line without timestamp and carriage return
};

struct Log {
    std::vector<LogLine> lines;
    bool hasVersion = false;
};

// The text's lines, split at '\n', carriage returns at their ends removed.
std::vector<std::string> rawLines(const std::string& text);

// "[    0.000000] ": bracket, spaces, seconds.micro, bracket and one space.
// Returns where the message starts, or npos when there is no timestamp at p.
std::size_t skipTimestamp(const std::string& s, std::size_t p);

// The boot log proper: from the "Linux version" line (console junk before it
// skipped; the whole text when there is none) to the first "=====" marker.
Log splitLog(const std::string& text);

// "memblock_xxx: ..." -> "memblock_xxx"; "" for any other line.
std::string callName(const std::string& m);

// A line of a MEMBLOCK configuration dump (its header included).
bool isDumpLine(const std::string& m);

// Any line memblock=debug prints: a call, a "memblock: " message, a dump.
bool isMemblockLine(const std::string& m);

// A line build_all_zonelists prints: "Fallback order for Node..." or
// "Built N zonelists...".
bool isZonelistLine(const std::string& m);

// The %pS text at the end of a call line, or "" (range or "x=y" last).
std::string callerOf(const std::string& m);

// The function of a %pS caller ("setup_arch+0x1f/0x2a" -> "setup_arch").
std::string callerFn(const std::string& caller);

} // namespace mmsim::dmesg
