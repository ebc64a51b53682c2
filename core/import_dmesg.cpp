// How a boot log becomes a scenario.
//
// Most of a machine can be read off its boot log line by line:
//   "BIOS-e820: [mem A-B] type"         -> machine.e820 (the firmware map)
//   "Command line: ..."                 -> machine.cmdline (memmap= etc. included)
//   "smp: Brought up N nodes, M CPUs"   -> machine.cpus
//   "ACPI: SRAT: Node N PXM P [mem A-B]" -> machine.numa (CPUs placed from the
//                                          "SRAT: PXM -> APIC" or SMP bring-up lines;
//                                          memoryless nodes from those and "Initmem
//                                          setup node N as memoryless"; distances only
//                                          when the defaults would not reproduce the
//                                          "Fallback order" lines: the SLIT is never
//                                          printed, so a table with that order is chosen)
//   "Linux version X"                   -> machine.kernel.version (6.1 or 6.12 profile)
//   "Freeing initrd memory: NK"         -> a free_reserved_area step at "RAMDISK:"
// With memblock=debug the log also prints every memblock call and its caller,
// so the boot becomes an explicit array that replays them in log order: an
// allocation's line and the memblock_reserve it makes become one
// memblock_alloc step (expect_base = where the kernel put it), and a bare
// reserve from memblock_alloc_range_nid is a silent memblock_phys_alloc_try_nid
// (NODE_DATA). The calls the kernel makes without printing are put back from
// what its code does: the reservations made before memblock=debug was parsed
// (the first MEMBLOCK dump minus the printed calls), the trim at the end of
// e820__memblock_setup, the current limit around init_mem_mapping, and the
// NUMA set-up (numa_init: memblock_set_node / memblock_clear_hotplug over
// SRAT blocks cleaned up as numa_cleanup_meminfo does). The zone set-up and
// hand-over steps go where their lines are printed. Every later MEMBLOCK dump
// is checked against the replayed calls, so a log with lines missing is
// rejected instead of producing a scenario that boots differently.
#include "core/import_dmesg.h"
#include "core/scenario.h"

#include "core/error.h"
#include "core/types.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

namespace mmsim {
namespace {

using u64 = std::uint64_t;
using ojson = nlohmann::ordered_json;
constexpr std::size_t npos = std::string::npos;

std::string hexs(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool startsWith(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

// ---------------------------------------------------------------- log lines

struct LogLine {
    int no = 0;           // 1-based line number in the file
    std::size_t col0 = 0; // where the message starts in the raw line (0-based)
    std::string msg;      // the line without timestamp and carriage return
};

std::vector<std::string> rawLines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t p = 0;
    while (p < text.size()) {
        std::size_t e = text.find('\n', p);
        std::string line = text.substr(p, e == npos ? npos : e - p);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(std::move(line));
        if (e == npos) break;
        p = e + 1;
    }
    return out;
}

// "[    0.000000] ": bracket, spaces, seconds.micro, bracket and one space.
// Returns where the message starts, or npos when there is no timestamp at p.
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

struct Log {
    std::vector<LogLine> lines;
    bool hasVersion = false;
};

// The boot log proper: from the "Linux version" line (console junk before it
// skipped; the whole text when there is none) to the first "=====" marker.
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

// "memblock_xxx: ..." -> "memblock_xxx"; "" for any other line.
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

// The %pS text at the end of a call line, or "" (range or "x=y" last).
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

// ---------------------------------------------------------------- parsing

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
    u64 digits(int base, const char* what, std::size_t start, bool strict) {
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
    std::string_view s_;
    std::size_t pos_;
};

// "[0x..-0x..]" (inclusive end) -> base, size. A size of 0 prints end = base-1.
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

// ---------------------------------------------------------------- ranges

// A set of byte ranges [b, e), merged; enough to follow memblock's arrays.
class RangeSet {
  public:
    void add(u64 b, u64 e) {
        if (b >= e) return;
        auto it = m_.upper_bound(b);
        if (it != m_.begin()) {
            auto p = std::prev(it);
            if (p->second >= b) {
                b = p->first;
                e = std::max(e, p->second);
                it = m_.erase(p);
            }
        }
        while (it != m_.end() && it->first <= e) {
            e = std::max(e, it->second);
            it = m_.erase(it);
        }
        m_[b] = e;
    }
    void remove(u64 b, u64 e) {
        if (b >= e) return;
        std::vector<std::pair<u64, u64>> keep;
        auto it = m_.upper_bound(b);
        if (it != m_.begin()) --it;
        while (it != m_.end() && it->first < e) {
            auto [s, t] = *it;
            if (t <= b) {
                ++it;
                continue;
            }
            it = m_.erase(it);
            if (s < b) keep.emplace_back(s, b);
            if (t > e) keep.emplace_back(e, t);
        }
        for (auto& k : keep)
            m_[k.first] = k.second;
    }
    bool overlaps(u64 b, u64 e) const {
        if (b >= e) return false;
        auto it = m_.upper_bound(b);
        if (it != m_.begin() && std::prev(it)->second > b) return true;
        return it != m_.end() && it->first < e;
    }
    RangeSet minus(const RangeSet& o) const {
        RangeSet r = *this;
        for (auto& [b, e] : o.m_)
            r.remove(b, e);
        return r;
    }
    const std::map<u64, u64>& pieces() const { return m_; }
    bool empty() const { return m_.empty(); }
    u64 lo() const { return m_.empty() ? 0 : m_.begin()->first; }
    u64 hi() const { return m_.empty() ? 0 : m_.rbegin()->second; }
    bool operator==(const RangeSet&) const = default;

  private:
    std::map<u64, u64> m_;
};

u64 endOf(u64 base, u64 size) {
    return size > ~u64{0} - base ? ~u64{0} : base + size;
}

// ---------------------------------------------------------------- log facts

struct SratBlock {
    u64 start = 0, end = 0; // [start, end)
    int nid = 0;
    bool hotplug = false;
    std::size_t line = 0;
};

struct MergeLine {
    int nid;
    u64 a0, a1, b0, b1, r0, r1; // inclusive ends, as printed
    std::size_t line;
    bool operator==(const MergeLine& o) const {
        return nid == o.nid && a0 == o.a0 && a1 == o.a1 && b0 == o.b0 && b1 == o.b1 && r0 == o.r0 &&
               r1 == o.r1;
    }
};

struct FreeingLine {
    std::string what;
    u64 kb = 0;
    std::size_t line = 0;
};

struct Blk {
    u64 start, end;
    int nid;
};

// numa_cleanup_meminfo(): trim to [low, high), drop blocks without memory,
// merge same-node blocks with no other node's block in between. Returns
// false when blocks of different nodes overlap (the kernel gives up).
bool cleanupMeminfo(std::vector<Blk>& mi, const RangeSet& memory, u64 low, u64 high,
                    std::vector<MergeLine>& merges) {
    for (std::size_t i = 0; i < mi.size();) {
        Blk& b = mi[i];
        if (!memory.overlaps(b.start, b.end)) {
            mi.erase(mi.begin() + static_cast<long>(i));
            continue;
        }
        b.start = std::max(b.start, low);
        if (b.end > high) b.end = high;
        if (b.start >= b.end) {
            mi.erase(mi.begin() + static_cast<long>(i));
            continue;
        }
        ++i;
    }
    for (std::size_t i = 0; i < mi.size(); ++i) {
        for (std::size_t j = i + 1; j < mi.size(); ++j) {
            Blk &bi = mi[i], &bj = mi[j];
            if (bi.end > bj.start && bi.start < bj.end && bi.nid != bj.nid) return false;
            if (bi.nid != bj.nid) continue;
            u64 start = std::min(bi.start, bj.start), end = std::max(bi.end, bj.end);
            bool blocked = false;
            for (const Blk& bk : mi)
                if (bk.nid != bi.nid && start < bk.end && end > bk.start) blocked = true;
            if (blocked) continue;
            merges.push_back(
                {bi.nid, bi.start, bi.end - 1, bj.start, bj.end - 1, start, end - 1, 0});
            bi.start = start;
            bi.end = end;
            mi.erase(mi.begin() + static_cast<long>(j--));
        }
    }
    return true;
}

const std::vector<std::string> kAllocApis = {
    "memblock_alloc_try_nid", "memblock_alloc_try_nid_raw", "memblock_alloc_exact_nid_raw",
    "memblock_alloc_try_nid_nopanic", "memblock_phys_alloc_range"};

// Callers that run between e820__memblock_setup() and the end of
// init_mem_mapping(), while memblock's current limit is ISA_END_ADDRESS.
const std::set<std::string> kLowLimitCallers = {"e820__memblock_setup",
                                                "reserve_real_mode",
                                                "setup_arch",
                                                "init_mem_mapping",
                                                "memblock_alloc_range_nid",
                                                "memblock_double_array",
                                                "alloc_low_pages",
                                                "e820__memblock_alloc_reserved_mpc_new",
                                                "setup_bios_corruption_check",
                                                "efi_reserve_boot_services",
                                                "mem_encrypt_setup_arch",
                                                "trim_snb_memory"};

// ---------------------------------------------------------------- importer

class Importer {
  public:
    Importer(const std::string& text, std::string file) : file_(std::move(file)) {
        log_ = splitLog(text);
        L_ = &log_.lines;
        names_.resize(L_->size());
        for (std::size_t i = 0; i < L_->size(); ++i)
            names_[i] = callName((*L_)[i].msg);
    }

    ojson run() {
        scanFacts();
        ojson sc;
        sc["format"] = "mmsim-scenario/1";
        sc["title"] = "Imported: " + (release_.empty() ? std::string("unknown kernel") : release_);
        sc["description"] = "";
        sc["seed"] = 1;
        sc["machine"] = machine();
        if (hasMemblock_) {
            sc["boot"] = boot();
        } else {
            sc["boot"] = "auto";
            if (ramdisk_)
                sc["machine"]["initrd"] = {{"addr", hexs(ramdisk_->first)},
                                           {"size", hexs(ramdisk_->second)}};
        }
        sc["steps"] = steps();
        sc["description"] = description();
        return sc;
    }

  private:
    const LogLine& line(std::size_t i) const { return (*L_)[i]; }
    std::size_t size() const { return L_->size(); }

    [[noreturn]] void fail(std::size_t i, std::size_t pos, const std::string& msg) const {
        const LogLine& l = line(i);
        throw InputError({file_, l.no, static_cast<int>(l.col0 + pos + 1)}, "", msg);
    }
    template <class F> auto parse(std::size_t i, F&& f) const {
        try {
            return f();
        } catch (const ParseFail& e) {
            fail(i, e.pos, e.msg);
        }
    }

    // ------------------------------------------------------------ pass 1

    void scanFacts() {
        bool e820Done = false;
        for (std::size_t i = 0; i < size(); ++i) {
            const std::string& m = line(i).msg;
            if (!names_[i].empty() || m == "MEMBLOCK configuration:") hasMemblock_ = true;
            if (startsWith(m, "Linux version ") && release_.empty()) {
                parseVersion(i);
            } else if (startsWith(m, "Command line: ") && !cmdline_) {
                std::string c = m.substr(14);
                while (!c.empty() && (c.back() == ' ' || c.back() == '\t'))
                    c.pop_back();
                cmdline_ = c;
            }
            if (startsWith(m, "BIOS-e820: ")) {
                if (!e820Done) parseE820(i);
            } else if (!e820_.empty()) {
                e820Done = true; // only the first map: a second one is another boot
            }
            if (startsWith(m, "smp: Brought up ")) {
                parse(i, [&] {
                    Cursor c(m, 16);
                    c.dec("node count");
                    c.expect(" node");
                    c.accept("s");
                    c.expect(", ");
                    cpusBrought_ = static_cast<int>(c.dec("CPU count"));
                    return 0;
                });
            }
            if (std::size_t p = m.find("Allowing ");
                p != npos && !cpusAllowed_ && (m.find(" CPUs") != npos)) {
                Cursor c(m, p + 9);
                try {
                    u64 n = c.dec("CPU count");
                    if (c.accept(" present CPUs") || c.accept(" CPUs"))
                        cpusAllowed_ = static_cast<int>(n);
                } catch (const ParseFail&) {
                }
            }
            if (std::size_t p = m.find("nr_cpu_ids:"); p != npos && !nrCpuIds_) {
                nrCpuIds_ = static_cast<int>(parse(i, [&] {
                    Cursor c(m, p + 11);
                    return c.dec("nr_cpu_ids");
                }));
            }
            if (startsWith(m, "SLUB: ") && m.find(", CPUs=") != npos && !cpusSlub_) {
                cpusSlub_ = static_cast<int>(parse(i, [&] {
                    Cursor c(m, m.find(", CPUs=") + 7);
                    return c.dec("CPU count", false);
                }));
            }
            if (startsWith(m, "ACPI: SRAT: Node ") || startsWith(m, "SRAT: Node ")) parseSrat(i);
            if (startsWith(m, "SRAT: PXM ") && m.find(" -> APIC ") != npos &&
                m.find("skipped") == npos) {
                parse(i, [&] {
                    Cursor c(m, 10);
                    c.dec("PXM");
                    c.expect(" -> APIC ");
                    c.hex("APIC id");
                    c.expect(" -> Node ");
                    pxmCpuNodes_.push_back(static_cast<int>(c.dec("node")));
                    return 0;
                });
            }
            if (startsWith(m, ".... node ") && m.find("CPUs:") != npos) parseBringUp(i);
            if (startsWith(m, "NUMA: Node ") && m.find(" -> [mem ") != npos) parseMerge(i);
            if (startsWith(m, "Initmem setup node ") && m.ends_with(" as memoryless")) {
                memorylessNodes_.push_back(static_cast<int>(parse(i, [&] {
                    Cursor c(m, 19);
                    return c.dec("node", false);
                })));
            }
            if (startsWith(m, "Fallback order for Node ")) {
                parse(i, [&] {
                    Cursor c(m, 24);
                    int node = static_cast<int>(c.dec("node"));
                    c.expect(":");
                    std::vector<int> order;
                    while (true) {
                        c.spaces();
                        if (c.atEnd()) break;
                        order.push_back(static_cast<int>(c.dec("node")));
                    }
                    fallback_[node] = order;
                    return 0;
                });
            }
            if (startsWith(m, "RAMDISK: [mem ") || startsWith(m, "Allocated new RAMDISK: [mem ")) {
                ramdisk_ = parse(i, [&] {
                    Cursor c(m, m.find("[mem "));
                    return parseRange(c, "[mem ");
                });
            }
            if (startsWith(m, "Freeing ") && m.find(" memory: ") != npos) {
                std::size_t p = m.find(" memory: ");
                FreeingLine f;
                f.what = m.substr(8, p - 8);
                f.line = i;
                f.kb = parse(i, [&] {
                    Cursor c(m, p + 9);
                    u64 kb = c.dec("size in KiB", false);
                    c.expect("K");
                    return kb;
                });
                freeing_.push_back(f);
            }
            if (startsWith(m, "Zone ranges:") && zoneIdx_ == npos) zoneIdx_ = i;
            if ((startsWith(m, "Fallback order for Node") ||
                 (startsWith(m, "Built ") && m.find(" zonelists") != npos)) &&
                zonelistIdx_ == npos)
                zonelistIdx_ = i;
            if (startsWith(m, "Memory: ") && m.find(" available") != npos && memoryIdx_ == npos)
                memoryIdx_ = i;
        }
        if (e820_.empty())
            throw InputError({file_, 1, 1}, "",
                             "not a boot log: no \"BIOS-e820:\" lines (the firmware memory map)");
    }

    void parseVersion(std::size_t i) {
        const std::string& m = line(i).msg;
        versionLine_ = m;
        std::size_t sp = m.find(' ', 14);
        release_ = m.substr(14, sp == npos ? npos : sp - 14);
        parse(i, [&] {
            Cursor c(m, 14);
            major_ = static_cast<int>(c.dec("major version", false));
            c.expect(".");
            minor_ = static_cast<int>(c.dec("minor version", false));
            return 0;
        });
        if (std::size_t d = m.rfind(" Debian ");
            d != npos && d + 8 < m.size() && std::isdigit(static_cast<unsigned char>(m[d + 8]))) {
            std::size_t e = m.find(' ', d + 8);
            debianVersion_ = m.substr(d + 8, e == npos ? npos : e - d - 8);
        }
    }

    void parseE820(std::size_t i) {
        const std::string& m = line(i).msg;
        parse(i, [&] {
            Cursor c(m, 11);
            auto [addr, size] = parseRange(c, "[mem ");
            c.expect(" ");
            std::size_t at = c.pos();
            std::string t = c.rest();
            ojson type;
            static const std::set<std::string> named = {"usable",   "reserved", "ACPI data",
                                                        "ACPI NVS", "unusable", "soft reserved"};
            if (named.count(t)) {
                type = t;
            } else if (startsWith(t, "persistent (type ") || startsWith(t, "type ")) {
                Cursor tc(t, t[0] == 'p' ? 17 : 5);
                u64 n = 0;
                try {
                    n = tc.dec("e820 type", false);
                    if (t[0] == 'p') tc.expect(")");
                    if (!tc.atEnd())
                        throw ParseFail{tc.pos(), "unexpected text after the e820 type"};
                } catch (const ParseFail& e) {
                    throw ParseFail{at + e.pos, e.msg};
                }
                if (n > 0xffffffffull) throw ParseFail{at, "e820 type out of range"};
                if (n == 7)
                    type = "persistent";
                else
                    type = n;
            } else {
                throw ParseFail{at, "unknown e820 type \"" + t + "\""};
            }
            if (size == 0) throw ParseFail{11, "empty e820 range"};
            e820_.push_back({{"addr", hexs(addr)}, {"size", hexs(size)}, {"type", type}});
            return 0;
        });
    }

    void parseSrat(std::size_t i) {
        const std::string& m = line(i).msg;
        parse(i, [&] {
            Cursor c(m, startsWith(m, "ACPI: ") ? 17 : 11);
            SratBlock b;
            b.nid = static_cast<int>(c.dec("node"));
            if (b.nid >= MAX_NUMNODES) throw ParseFail{c.pos(), "node id out of range"};
            c.expect(" PXM ");
            c.dec("PXM");
            c.expect(" ");
            auto [base, size] = parseRange(c, "[mem ");
            b.start = base;
            b.end = endOf(base, size);
            while (!c.atEnd()) {
                if (c.accept(" hotplug"))
                    b.hotplug = true;
                else if (!c.accept(" non-volatile"))
                    throw ParseFail{c.pos(), "unexpected text after the SRAT range"};
            }
            b.line = i;
            srat_.push_back(b);
            return 0;
        });
    }

    void parseBringUp(std::size_t i) {
        const std::string& m = line(i).msg;
        parse(i, [&] {
            Cursor c(m, 10);
            c.spaces();
            c.expect("#");
            int node = static_cast<int>(c.dec("node"));
            c.expect(", CPUs:");
            while (true) {
                c.spaces();
                if (c.atEnd()) break;
                c.expect("#");
                cpuNodeBringUp_[static_cast<int>(c.dec("CPU"))] = node;
            }
            return 0;
        });
    }

    void parseMerge(std::size_t i) {
        const std::string& m = line(i).msg;
        parse(i, [&] {
            Cursor c(m, 11);
            MergeLine ml{};
            ml.nid = static_cast<int>(c.dec("node"));
            c.expect(" ");
            auto a = parseRange(c, "[mem ");
            c.expect(" + ");
            auto b = parseRange(c, "[mem ");
            c.expect(" -> ");
            auto r = parseRange(c, "[mem ");
            ml.a0 = a.first, ml.a1 = a.first + a.second - 1;
            ml.b0 = b.first, ml.b1 = b.first + b.second - 1;
            ml.r0 = r.first, ml.r1 = r.first + r.second - 1;
            ml.line = i;
            merges_.push_back(ml);
            return 0;
        });
    }

    // ------------------------------------------------------------ machine

    bool is61() const { return profile61_; }

    ojson machine() {
        // Kernel profile from the release.
        if (major_ < 0) {
            profile61_ = false;
        } else if (major_ == 6 && minor_ == 1) {
            profile61_ = true;
        } else if (major_ == 6 && minor_ == 12) {
            profile61_ = false;
        } else if (major_ < 6 || (major_ == 6 && minor_ < 1)) {
            profile61_ = true;
            versionNote_ = "older than 6.1: imported with the 6.1 profile";
        } else if (major_ == 6 && minor_ < 7) {
            profile61_ = true;
            versionNote_ = "between the two LTS profiles: imported with the nearer 6.1 profile";
        } else if (major_ == 6 && minor_ < 12) {
            profile61_ = false;
            versionNote_ = "between the two LTS profiles: imported with the nearer 6.12 profile";
        } else {
            profile61_ = false;
            versionNote_ = "newer than 6.12: imported with the 6.12 profile";
        }

        ojson m;
        cpus_ = cpusBrought_   ? *cpusBrought_
                : cpusAllowed_ ? *cpusAllowed_
                : nrCpuIds_    ? *nrCpuIds_
                : cpusSlub_    ? *cpusSlub_
                               : 1;
        cpus_ = std::clamp(cpus_, 1, 1024);
        m["cpus"] = cpus_;
        m["e820"] = e820_;
        if (!srat_.empty()) m["numa"] = numa();
        m["cmdline"] = cmdline_.value_or("");
        m["kernel"] = {{"version", is61() ? "6.1" : "6.12"}};
        return m;
    }

    ojson numa() {
        // Nodes: SRAT memory ranges, plus nodes known only by their CPUs
        // (6.12 prints no SRAT CPU lines) or as memoryless.
        std::map<int, ojson> ranges;
        for (const SratBlock& b : srat_) {
            if (!ranges.count(b.nid)) ranges[b.nid] = ojson::array();
            ranges[b.nid].push_back({hexs(b.start), hexs(b.end - 1)});
        }
        std::vector<int> withMemory;
        for (auto& [id, r] : ranges)
            withMemory.push_back(id);
        for (int n : pxmCpuNodes_)
            ranges.try_emplace(n, ojson::array());
        for (auto [c, n] : cpuNodeBringUp_)
            ranges.try_emplace(n, ojson::array());
        for (int n : memorylessNodes_)
            ranges.try_emplace(n, ojson::array());
        for (auto& [n, order] : fallback_)
            ranges.try_emplace(n, ojson::array());

        // CPU -> node: SRAT PXM->APIC lines (CPUs numbered in that order),
        // else the SMP bring-up lines (the boot CPU on the first node), else
        // round robin over the nodes with memory, as numa_init_array does.
        std::map<int, int> cpuNode;
        if (!pxmCpuNodes_.empty()) {
            for (int c = 0; c < cpus_ && c < static_cast<int>(pxmCpuNodes_.size()); ++c)
                cpuNode[c] = pxmCpuNodes_[static_cast<std::size_t>(c)];
        } else if (!cpuNodeBringUp_.empty()) {
            for (auto [c, n] : cpuNodeBringUp_)
                if (c < cpus_) cpuNode[c] = n;
            if (!cpuNode.count(0)) cpuNode[0] = withMemory.front();
        }
        std::size_t rr = 0;
        for (int c = 0; c < cpus_; ++c)
            if (!cpuNode.count(c)) cpuNode[c] = withMemory[rr++ % withMemory.size()];

        ojson nodes = ojson::array();
        std::vector<int> ids;
        std::set<int> withCpus;
        for (auto& [id, r] : ranges) {
            ojson cpus = ojson::array();
            for (auto [c, n] : cpuNode)
                if (n == id) cpus.push_back(c);
            if (!cpus.empty()) withCpus.insert(id);
            ojson node{{"id", id}};
            if (!r.empty()) node["ranges"] = r;
            node["cpus"] = cpus;
            nodes.push_back(node);
            ids.push_back(id);
        }
        ojson out{{"nodes", nodes}};
        if (auto d = distances(ids, withMemory, withCpus)) out["distance"] = *d;
        return out;
    }

    // The node order build_zonelists() prints for every node, given a
    // distance table (find_next_best_node: distance, +1 for nodes below the
    // local one, +1 for nodes with CPUs, then the least loaded node).
    std::map<int, std::vector<int>> zonelistOrders(const std::vector<int>& ids,
                                                   const std::vector<std::vector<int>>& dist,
                                                   const std::vector<int>& withMemory,
                                                   const std::set<int>& withCpus) const {
        auto at = [&](int id) {
            return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
        };
        auto d = [&](int a, int b) { return dist[at(a)][at(b)]; };
        std::map<int, long> load;
        std::map<int, std::vector<int>> out;
        for (int local : ids) {
            std::set<int> used;
            std::vector<int> order;
            int prev = local;
            bool localHasMemory =
                std::find(withMemory.begin(), withMemory.end(), local) != withMemory.end();
            while (true) {
                int best = -1;
                if (!used.count(local) && (localHasMemory || is61())) {
                    best = local; // 6.1 returns a memoryless local node too
                } else {
                    long min = LONG_MAX;
                    for (int n : withMemory) {
                        if (used.count(n)) continue;
                        long v = d(local, n) + (n < local) + (withCpus.count(n) ? 1 : 0);
                        v = v * MAX_NUMNODES + load[n];
                        if (v < min) min = v, best = n;
                    }
                }
                if (best < 0) break;
                used.insert(best);
                if (d(local, best) != d(local, prev)) ++load[best];
                order.push_back(best);
                prev = best;
            }
            out[local] = order;
        }
        return out;
    }

    // The SLIT is not printed; the "Fallback order" lines show its effect.
    // Default distances when they reproduce those lines, else a table whose
    // steps are large enough that the printed order is the only outcome.
    std::optional<ojson> distances(const std::vector<int>& ids, const std::vector<int>& withMemory,
                                   const std::set<int>& withCpus) {
        const std::size_t n = ids.size();
        if (n < 2 || fallback_.empty()) return std::nullopt;
        auto matches = [&](const std::vector<std::vector<int>>& dist) {
            auto got = zonelistOrders(ids, dist, withMemory, withCpus);
            for (auto& [node, order] : fallback_)
                if (!got.count(node) || got[node] != order) return false;
            return true;
        };
        std::vector<std::vector<int>> dist(n, std::vector<int>(n, 20));
        for (std::size_t i = 0; i < n; ++i)
            dist[i][i] = 10;
        if (matches(dist)) return std::nullopt;
        const int step = static_cast<int>(std::min<std::size_t>(10, 245 / (n + 1)));
        if (step >= 3) {
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j)
                    if (i != j) dist[i][j] = 10 + step * static_cast<int>(n + 1);
            for (auto& [node, order] : fallback_) {
                auto i =
                    static_cast<std::size_t>(std::find(ids.begin(), ids.end(), node) - ids.begin());
                if (i >= n) continue;
                std::size_t skip = (!order.empty() && order.front() == node) ? 0 : 1;
                for (std::size_t k = 0; k < order.size(); ++k) {
                    auto j = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), order[k]) -
                                                      ids.begin());
                    if (j < n && j != i) dist[i][j] = 10 + step * static_cast<int>(k + skip);
                }
            }
            if (matches(dist)) {
                distanceNote_ = "inferred";
                ojson out = ojson::array();
                for (auto& row : dist)
                    out.push_back(row);
                return out;
            }
        }
        distanceNote_ = "unknown";
        return std::nullopt;
    }

    // ------------------------------------------------------------ boot

    ojson rangeStep(const char* op, u64 base, u64 size, const std::string& caller = {}) {
        ojson s;
        s["op"] = op;
        s["base"] = hexs(base);
        s["size"] = hexs(size);
        if (!caller.empty()) s["caller"] = caller;
        return s;
    }

    std::size_t nextCall(std::size_t i) const {
        for (std::size_t k = i + 1; k < size(); ++k)
            if (!names_[k].empty() || line(k).msg == "MEMBLOCK configuration:") return k;
        return npos;
    }

    void findHooks() {
        // memblock_set_current_limit(ISA_END_ADDRESS) before e820__memblock_setup,
        // raised to max_pfn_mapped after init_mem_mapping.
        for (std::size_t i = 0; i < size(); ++i)
            if (!names_[i].empty() && callerFn(callerOf(line(i).msg)) == "e820__memblock_setup") {
                limitLowIdx_ = i;
                break;
            }
        // NUMA: numa_init starts before SRAT is parsed; the node assignment
        // comes after numa_cleanup_meminfo, right before NODE_DATA.
        std::size_t nodeDataLine = npos;
        for (std::size_t i = 0; i < size(); ++i) {
            const std::string& m = line(i).msg;
            bool numaLine = startsWith(m, "ACPI: SRAT: ") || startsWith(m, "SRAT: ") ||
                            startsWith(m, "No NUMA configuration found") ||
                            startsWith(m, "NUMA turned off") || startsWith(m, "Faking a node at");
            if (numaLine && numaStartIdx_ == npos) numaStartIdx_ = i;
            if ((numaLine || startsWith(m, "NUMA: ")) && nodeDataLine == npos) numaLastIdx_ = i;
            if (startsWith(m, "NODE_DATA(") && nodeDataLine == npos) nodeDataLine = i;
        }
        if (nodeDataLine != npos) {
            std::size_t r = nodeDataLine;
            while (r > 0 && names_[r - 1].empty())
                --r;
            if (r > 0 && names_[r - 1] == "memblock_reserve" &&
                callerFn(callerOf(line(r - 1).msg)) == "memblock_alloc_range_nid") {
                nodeDataAllocIdx_ = r - 1;
                std::size_t a = r - 1;
                while (a > 0 && names_[a - 1].empty())
                    --a;
                if (a > 0 && std::find(kAllocApis.begin(), kAllocApis.end(), names_[a - 1]) !=
                                 kAllocApis.end())
                    nodeDataAllocIdx_ = a - 1;
            }
        }
        if (nodeDataAllocIdx_ != npos && (numaLastIdx_ == npos || nodeDataAllocIdx_ > numaLastIdx_))
            registerIdx_ = nodeDataAllocIdx_;
        else if (numaLastIdx_ != npos)
            registerIdx_ = numaLastIdx_ + 1;
        else {
            std::size_t dumps = 0;
            for (std::size_t i = 0; i < size() && registerIdx_ == npos; ++i)
                if (line(i).msg == "MEMBLOCK configuration:" && ++dumps == 2) registerIdx_ = i;
            if (registerIdx_ == npos) registerIdx_ = zoneIdx_ != npos ? zoneIdx_ : size();
        }
        trioIdx_ =
            (numaStartIdx_ != npos && numaStartIdx_ <= registerIdx_) ? numaStartIdx_ : registerIdx_;
        if (limitLowIdx_ != npos) {
            limitRaiseIdx_ = size();
            for (std::size_t k = limitLowIdx_ + 1; k < size(); ++k) {
                const std::string& m = line(k).msg;
                if (startsWith(m, "RAMDISK: ") || startsWith(m, "ACPI: ") ||
                    startsWith(m, "log_buf_len") || k == trioIdx_ || k == zoneIdx_ ||
                    (!names_[k].empty() && !kLowLimitCallers.count(callerFn(callerOf(m))))) {
                    limitRaiseIdx_ = k;
                    break;
                }
            }
        }
    }

    void emit(ojson s) { boot_.push_back(std::move(s)); }

    void runHooks(std::size_t i) {
        if (i == limitLowIdx_) {
            ojson s{{"op", "memblock_set_current_limit"}, {"limit", hexs(0x100000)}};
            s["note"] = "setup_arch: ISA_END_ADDRESS until init_mem_mapping (not printed)";
            emit(s);
        }
        if (i == limitRaiseIdx_) {
            ojson s{{"op", "memblock_set_current_limit"},
                    {"limit", hexs(mem_.hi() & ~(PAGE_SIZE - 1))}};
            s["note"] = "setup_arch: get_max_mapped() after init_mem_mapping (not printed)";
            emit(s);
        }
        if (i == trioIdx_) numaInit();
        if (i == registerIdx_) numaRegister();
        if (i == zoneIdx_) {
            emit({{"op", "free_area_init"}});
            freeAreaDone_ = true;
        }
        if (i == zonelistIdx_) {
            emit({{"op", "build_all_zonelists"}});
            zonelistsDone_ = true;
        }
        if (i == memoryIdx_ && !freeAllDone_) {
            emit({{"op", "memblock_free_all"}});
            freeAllDone_ = true;
        }
    }

    ojson boot() {
        findHooks();
        for (std::size_t i = 0; i < size(); ++i) {
            runHooks(i);
            if (consumed_.count(i)) continue;
            if (line(i).msg == "MEMBLOCK configuration:") {
                i = dump(i) - 1;
                continue;
            }
            if (!names_[i].empty()) call(i);
            for (const SratBlock& b : srat_)
                if (b.line == i && b.hotplug && numaInitDone_) {
                    // acpi_numa_memory_affinity_init marks hotpluggable ranges
                    // while it parses SRAT (inside numa_init, after the reset).
                    ojson s = rangeStep("memblock_mark_hotplug", b.start, b.end - b.start);
                    s["note"] = "SRAT: hotpluggable memory (not printed)";
                    emit(s);
                }
        }
        runHooks(size());
        if (!freeAllDone_) {
            if (!freeAreaDone_) emit({{"op", "free_area_init"}});
            if (!zonelistsDone_) emit({{"op", "build_all_zonelists"}});
            emit({{"op", "memblock_free_all"}});
        }
        ojson out = ojson::array();
        for (auto& s : prefix_)
            out.push_back(s);
        if (cmdline_ && (" " + *cmdline_ + " ").find(" movable_node ") != npos) {
            ojson s{{"op", "memblock_set_bottom_up"}, {"enable", true}};
            s["note"] = "setup_arch: movable_node allocates bottom-up until SRAT is parsed";
            out.push_back(s);
        }
        for (auto& s : boot_)
            out.push_back(s);
        return out;
    }

    void call(std::size_t i) {
        const std::string& name = names_[i];
        const std::string& m = line(i).msg;
        ++calls_;
        if (std::find(kAllocApis.begin(), kAllocApis.end(), name) != kAllocApis.end()) {
            alloc(i);
            return;
        }
        struct RC {
            u64 base, size;
            long long nid;
            u64 flags;
            std::string caller;
        };
        bool node = name == "memblock_add_node";
        RC rc = parse(i, [&] {
            Cursor c(m, name.size() + 2);
            auto [base, size] = parseRange(c, "[");
            RC r{base, size, 0, 0, {}};
            if (node) {
                c.expect(" nid=");
                r.nid = c.sdec("nid");
                c.expect(" flags=");
                r.flags = c.hexDigits("flags");
            }
            if (!c.atEnd()) {
                c.expect(" ");
                r.caller = c.rest();
            }
            return r;
        });
        u64 end = endOf(rc.base, rc.size);
        std::string fn = callerFn(rc.caller);
        if (name == "memblock_add" || node) {
            ojson s = rangeStep("memblock_add", rc.base, rc.size);
            if (node) {
                if (rc.nid < -1 || rc.nid > MAX_NUMNODES)
                    fail(i, m.find("nid="), "nid out of range");
                s["nid"] = rc.nid;
                ojson flags = ojson::array();
                static const char* names[] = {"HOTPLUG", "MIRROR", "NOMAP", "DRIVER_MANAGED"};
                for (int b = 0; b < 4; ++b)
                    if (rc.flags & (1u << b)) flags.push_back(names[b]);
                if (rc.flags & ~u64{0xf}) fail(i, m.find("flags=") + 6, "unknown memblock flags");
                if (!flags.empty()) s["flags"] = flags;
            }
            if (!rc.caller.empty()) s["caller"] = rc.caller;
            emit(s);
            mem_.add(rc.base, end);
            if (fn == "e820__memblock_setup") sawE820Add_ = true;
        } else if (name == "memblock_reserve") {
            res_.add(rc.base, end);
            if (fn == "memblock_double_array") {
                ++skippedDouble_;
            } else if (fn == "memblock_alloc_range_nid") {
                physAllocTryNid(i, rc.base, rc.size);
            } else {
                if (fn == "e820__memblock_setup") sawE820Add_ = true;
                emit(rangeStep("memblock_reserve", rc.base, rc.size, rc.caller));
            }
        } else if (name == "memblock_remove") {
            emit(rangeStep("memblock_remove", rc.base, rc.size, rc.caller));
            mem_.remove(rc.base, end);
        } else if (name == "memblock_phys_free" || name == "memblock_free") {
            emit(rangeStep(name.c_str(), rc.base, rc.size, rc.caller));
            res_.remove(rc.base, end);
        } else if (name == "memblock_free_late") {
            ++skippedFreeLate_;
        } else {
            fail(i, 0, "unknown memblock debug line \"" + name + ":\"");
        }
    }

    // A reserve printed by memblock_alloc_range_nid with no allocation line
    // before it: memblock_phys_alloc_try_nid (prints nothing), e.g. NODE_DATA.
    void physAllocTryNid(std::size_t i, u64 base, u64 size) {
        int nid = NUMA_NO_NODE;
        for (std::size_t k = i + 1; k < this->size() && names_[k].empty(); ++k) {
            const std::string& m = line(k).msg;
            if (m == "MEMBLOCK configuration:") break;
            if (!startsWith(m, "NODE_DATA(")) continue;
            auto [n, b] = parse(k, [&] {
                Cursor c(m, 10);
                int nn = static_cast<int>(c.dec("node"));
                c.expect(") allocated ");
                return std::make_pair(nn, parseRange(c, "[mem ").first);
            });
            if (b == base) nid = n;
            break;
        }
        ojson s;
        s["op"] = "memblock_alloc";
        s["api"] = "memblock_phys_alloc_try_nid";
        s["size"] = hexs(size);
        s["align"] = hexs(SMP_CACHE_BYTES);
        s["nid"] = nid;
        s["expect_base"] = hexs(base);
        s["note"] = nid >= 0 ? "alloc_node_data: NODE_DATA(" + std::to_string(nid) +
                                   ") (memblock_phys_alloc_try_nid prints no line of its own)"
                             : "memblock_phys_alloc_try_nid (prints no line of its own)";
        emit(s);
    }

    void alloc(std::size_t i) {
        const std::string& name = names_[i];
        const std::string& m = line(i).msg;
        bool phys = name == "memblock_phys_alloc_range";
        struct AC {
            u64 size, align;
            long long nid;
            u64 from, max;
            std::string caller;
        };
        AC a = parse(i, [&] {
            Cursor c(m, name.size() + 2);
            AC r{};
            r.size = c.dec("size");
            c.expect(" bytes align=");
            r.align = c.hex("align");
            r.nid = NUMA_NO_NODE;
            if (!phys) {
                c.expect(" nid=");
                std::size_t at = c.pos();
                r.nid = c.sdec("nid");
                if (r.nid < -1 || r.nid > MAX_NUMNODES) throw ParseFail{at, "nid out of range"};
            }
            c.expect(" from=");
            r.from = c.hex("from");
            c.expect(" max_addr=");
            r.max = c.hex("max_addr");
            if (!c.atEnd()) {
                c.expect(" ");
                r.caller = c.rest();
            }
            return r;
        });
        std::size_t j = nextCall(i);
        if (j == npos || names_[j] != "memblock_reserve" ||
            callerFn(callerOf(line(j).msg)) != "memblock_alloc_range_nid")
            fail(i, 0,
                 "\"" + name +
                     "\" is not followed by the memblock_reserve (memblock_alloc_range_nid) "
                     "that places it: truncated log?");
        const std::string& rm = line(j).msg;
        auto [base, size] = parse(j, [&] {
            Cursor c(rm, 18);
            return parseRange(c, "[");
        });
        if (size != a.size)
            fail(j, 18,
                 "the placement (" + hexs(size) + " bytes) does not match the allocation of " +
                     std::to_string(a.size) + " bytes on line " + std::to_string(line(i).no));
        consumed_.insert(j);
        res_.add(base, endOf(base, size));
        ojson s;
        s["op"] = "memblock_alloc";
        s["api"] = name;
        s["size"] = hexs(a.size);
        s["align"] = hexs(a.align);
        if (!phys) s["nid"] = a.nid;
        s["min_addr"] = hexs(a.from);
        s["max_addr"] = hexs(a.max);
        s["exact_nid"] = name.find("exact_nid") != npos;
        if (!a.caller.empty()) s["caller"] = a.caller;
        s["expect_base"] = hexs(base);
        emit(s);
    }

    // What of each region of a dump the printed calls do not explain, as one
    // range from its first to its last unexplained byte: a printed reserve
    // inside an early one (smp_scan_config inside the BIOS area) does not
    // split it, and reserving over it only fills holes, as memblock does.
    static std::vector<std::pair<u64, u64>> unexplained(const RangeSet& dumped,
                                                        const RangeSet& known) {
        std::vector<std::pair<u64, u64>> out;
        for (auto [b, e] : dumped.pieces()) {
            RangeSet one;
            one.add(b, e);
            RangeSet rest = one.minus(known);
            if (!rest.empty()) out.emplace_back(rest.lo(), rest.hi());
        }
        return out;
    }

    // Parses "MEMBLOCK configuration:" and its lines; returns the next index.
    std::size_t dump(std::size_t i) {
        ++dumps_;
        std::size_t k = i + 1;
        auto need = [&](std::size_t idx, const char* what) {
            if (idx >= size())
                fail(size() - 1, 0, std::string("MEMBLOCK dump cut short: expected ") + what);
        };
        need(k, "the size line");
        parse(k, [&] {
            Cursor c(line(k).msg);
            c.expect(" memory size = ");
            c.hex("memory size");
            c.expect(" reserved size = ");
            c.hex("reserved size");
            return 0;
        });
        ++k;
        RangeSet dm, dr;
        for (const char* type : {"memory", "reserved"}) {
            std::string t = type;
            need(k, (" " + t + ".cnt line").c_str());
            std::size_t cntLine = k;
            u64 cnt = parse(k, [&] {
                Cursor c(line(k).msg);
                c.expect(" " + t + ".cnt  = ");
                return c.hex("region count");
            });
            ++k;
            for (u64 r = 0; r < cnt; ++r) {
                if (k >= size() || !startsWith(line(k).msg, " " + t + "["))
                    fail(k >= size() ? cntLine : k, 0,
                         "MEMBLOCK dump cut short: " + t + ".cnt = " + hexs(cnt) + " but only " +
                             std::to_string(r) + " region lines");
                const std::string& m = line(k).msg;
                auto [base, sz] = parse(k, [&] {
                    Cursor c(m);
                    c.expect(" " + t + "[");
                    std::size_t at = c.pos();
                    if (c.hex("region index") != r)
                        throw ParseFail{at, "region index out of sequence"};
                    c.expect("]\t");
                    auto rg = parseRange(c, "[");
                    c.expect(", ");
                    std::size_t szAt = c.pos();
                    if (c.hex("region size") != rg.second)
                        throw ParseFail{szAt, "region size does not match its range"};
                    c.expect(" bytes");
                    if (c.accept(" on node ")) c.sdec("node");
                    c.expect(" flags: ");
                    c.hex("flags");
                    return rg;
                });
                if (sz != 0) (t == "memory" ? dm : dr).add(base, endOf(base, sz));
                ++k;
            }
        }
        if (!firstDumpDone_) {
            firstDumpDone_ = true;
            if (sawE820Add_) {
                ojson s{{"op", "memblock_trim_memory"}, {"align", hexs(PAGE_SIZE)}};
                s["note"] = "e820__memblock_setup: throw away partial pages (not printed)";
                emit(s);
                trimEmitted_ = true;
                RangeSet t;
                for (auto [b, e] : mem_.pieces()) {
                    u64 nb = (b + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), ne = e & ~(PAGE_SIZE - 1);
                    if (nb < ne) t.add(nb, ne);
                }
                mem_ = t;
            }
            for (auto [b, e] : unexplained(dm, mem_)) {
                ojson s = rangeStep("memblock_add", b, e - b);
                s["silent"] = true;
                s["note"] = "added before memblock=debug took effect";
                prefix_.push_back(s);
                mem_.add(b, e);
            }
            for (auto [b, e] : unexplained(dr, res_)) {
                ojson s = rangeStep("memblock_reserve", b, e - b);
                s["silent"] = true;
                s["note"] = "reserved before memblock=debug took effect";
                prefix_.push_back(s);
                res_.add(b, e);
                ++reconstructed_;
            }
        }
        if (!(dm == mem_) || !(dr == res_))
            fail(i, 0,
                 std::string("MEMBLOCK dump does not match the memblock calls logged before it (") +
                     (!(dm == mem_) ? "memory" : "reserved") + " differs): lines missing?");
        emit({{"op", "memblock_dump"}});
        return k;
    }

    void numaInit() {
        if (numaInitDone_) return;
        numaInitDone_ = true;
        int nid = is61() ? MAX_NUMNODES : NUMA_NO_NODE;
        const char* who = is61() ? "numa_init" : "numa_memblks_init";
        for (const char* type : {"memory", "reserved"}) {
            ojson s = rangeStep("memblock_set_node", 0, ~u64{0});
            s["nid"] = nid;
            s["type"] = type;
            s["note"] = std::string(who) + ": forget node ids (" +
                        (is61() ? "MAX_NUMNODES" : "NUMA_NO_NODE") + "), not printed";
            emit(s);
        }
        ojson s = rangeStep("memblock_clear_hotplug", 0, ~u64{0});
        s["note"] = std::string(who) + ": in case parsing SRAT fails (not printed)";
        emit(s);
    }

    void numaRegister() {
        numaInit();
        if (mem_.empty()) {
            numaSkipped_ = true;
            return;
        }
        u64 maxPfnPhys = mem_.hi() & ~(PAGE_SIZE - 1);
        std::vector<Blk> blks;
        if (srat_.empty()) {
            blks.push_back({0, maxPfnPhys, 0}); // dummy_numa_init
        } else {
            for (const SratBlock& b : srat_)
                blks.push_back({b.start, b.end, b.nid});
        }
        auto attempt = [&](bool lowIsZero, std::vector<Blk>& out, std::vector<MergeLine>& mg) {
            out = blks;
            u64 low = lowIsZero ? 0 : mem_.lo();
            u64 high = lowIsZero ? maxPfnPhys : mem_.hi();
            if (!cleanupMeminfo(out, mem_, low, high, mg))
                fail(srat_.empty() ? 0 : srat_.front().line, 0,
                     "SRAT ranges of different nodes overlap");
            if (srat_.empty()) return true;
            if (mg.size() != merges_.size()) return false;
            for (std::size_t k = 0; k < mg.size(); ++k)
                if (!(mg[k] == merges_[k])) return false;
            return true;
        };
        std::vector<Blk> mi;
        std::vector<MergeLine> mg;
        if (!attempt(is61(), mi, mg)) {
            std::vector<Blk> mi2;
            std::vector<MergeLine> mg2;
            if (!attempt(!is61(), mi2, mg2)) {
                std::size_t bad = merges_.empty() ? srat_.back().line : merges_.back().line;
                for (std::size_t k = 0; k < merges_.size(); ++k)
                    if (k >= mg.size() || !(mg[k] == merges_[k])) {
                        bad = merges_[k].line;
                        break;
                    }
                fail(bad, 0,
                     "the NUMA merge lines do not match the SRAT ranges as numa_cleanup_meminfo "
                     "merges them");
            }
            mi = mi2;
            numaRuleNote_ = true;
        }
        ojson bu{{"op", "memblock_set_bottom_up"}, {"enable", false}};
        bu["note"] = "numa_init: back to top-down after SRAT (not printed)";
        emit(bu);
        const char* reg = is61() ? "numa_register_memblks" : "numa_register_meminfo";
        for (const Blk& b : mi) {
            ojson s = rangeStep("memblock_set_node", b.start, b.end - b.start);
            s["nid"] = b.nid;
            s["type"] = "memory";
            s["note"] = std::string(reg) + ": node " + std::to_string(b.nid) + " (not printed)";
            emit(s);
        }
        std::set<int> kernelNodes;
        for (const Blk& b : mi) {
            ojson s = rangeStep("memblock_set_node", b.start, b.end - b.start);
            s["nid"] = b.nid;
            s["type"] = "reserved";
            s["note"] = "numa_clear_kernel_node_hotplug: split reserved by node (not printed)";
            emit(s);
            if (res_.overlaps(b.start, b.end)) kernelNodes.insert(b.nid);
        }
        for (const Blk& b : mi) {
            if (!kernelNodes.count(b.nid)) continue;
            ojson s = rangeStep("memblock_clear_hotplug", b.start, b.end - b.start);
            s["note"] = "numa_clear_kernel_node_hotplug: node " + std::to_string(b.nid) +
                        " holds kernel memory (not printed)";
            emit(s);
        }
    }

    // ------------------------------------------------------------ steps

    ojson steps() {
        ojson out = ojson::array();
        for (const FreeingLine& f : freeing_) {
            if (f.what != "initrd") {
                notModelled_.push_back(line(f.line).msg);
                continue;
            }
            if (!ramdisk_) {
                notModelled_.push_back(line(f.line).msg + " (no RAMDISK line)");
                continue;
            }
            ojson s;
            s["op"] = "free_reserved_area";
            s["base"] = hexs(ramdisk_->first);
            s["size"] = hexs(f.kb * 1024);
            s["what"] = "initrd";
            s["note"] = "free_initrd_mem: " + std::to_string(f.kb) + "K at the RAMDISK address";
            out.push_back(s);
        }
        return out;
    }

    std::string description() const {
        std::ostringstream d;
        d << "Imported from `" << file_ << "` by `mmsim-cli import-dmesg`.\n\n";
        if (!versionLine_.empty()) {
            d << "Kernel: " << release_;
            if (!debianVersion_.empty()) d << " (Debian " << debianVersion_ << ")";
            d << ", simulated with the " << (is61() ? "6.1" : "6.12") << " profile";
            if (!versionNote_.empty()) d << " (" << versionNote_ << ")";
            d << ".\n\n`" << versionLine_ << "`\n\n";
        } else {
            d << "The log has no \"Linux version\" line: simulated with the 6.12 profile.\n\n";
        }
        d << "Machine: " << cpus_ << (cpus_ == 1 ? " CPU, " : " CPUs, ");
        std::set<int> nodes;
        for (const SratBlock& b : srat_)
            nodes.insert(b.nid);
        if (!srat_.empty()) {
            for (int x : memorylessNodes_)
                nodes.insert(x);
            for (auto [c, x] : cpuNodeBringUp_)
                nodes.insert(x);
            for (auto& [x, o] : fallback_)
                nodes.insert(x);
        }
        std::size_t n = std::max<std::size_t>(1, nodes.size());
        d << n << (n == 1 ? " NUMA node, " : " NUMA nodes, ") << e820_.size() << " e820 entries.";
        if (distanceNote_ == "inferred")
            d << " The log does not print the SLIT: the node distances were chosen to reproduce "
                 "its \"Fallback order\" lines (their order, not the firmware's values).";
        else if (distanceNote_ == "unknown")
            d << " The log does not print the SLIT and no distance table reproduces its "
                 "\"Fallback order\" lines: default distances.";
        d << "\n\n";
        if (hasMemblock_) {
            std::vector<std::string> silent;
            if (firstDumpDone_)
                silent.push_back(std::to_string(reconstructed_) +
                                 " reservation(s) made before memblock=debug took effect (from "
                                 "the first MEMBLOCK dump)");
            if (trimEmitted_) silent.push_back("the trim of e820__memblock_setup");
            if (limitLowIdx_ != npos) silent.push_back("the current limit around init_mem_mapping");
            if (numaInitDone_ && !numaSkipped_)
                silent.push_back(srat_.empty() ? "the single-node NUMA set-up (dummy_numa_init)"
                                               : "the NUMA node assignment of numa_init");
            d << "Boot: replays the " << calls_
              << " memblock calls the log prints (memblock=debug) in order";
            for (std::size_t k = 0; k < silent.size(); ++k)
                d << (k == 0                   ? ", plus what the kernel does without printing: "
                      : k + 1 == silent.size() ? " and "
                                               : ", ")
                  << silent[k];
            d << ".";
            if (!firstDumpDone_)
                d << " The log has no MEMBLOCK dump, so reservations made before memblock=debug "
                     "took effect are unknown.";
            if (numaRuleNote_)
                d << " The NUMA merge lines follow the other kernel's trimming rule; it was used.";
            if (numaSkipped_) d << " NUMA assignment skipped: no memory known at that point.";
            if (skippedFreeLate_)
                d << " " << skippedFreeLate_ << " memblock_free_late line(s) not modelled.";
            d << "\n\n";
        } else {
            d << "Boot: auto (the log has no memblock=debug lines).";
            for (const SratBlock& b : srat_)
                if (b.hotplug) {
                    d << " SRAT hotplug ranges are not modelled by the auto boot.";
                    break;
                }
            d << "\n\n";
        }
        if (!notModelled_.empty()) {
            d << "Not modelled (the log gives no address):";
            for (const std::string& s : notModelled_)
                d << "\n- " << s;
            d << "\n";
        }
        std::string s = d.str();
        while (!s.empty() && s.back() == '\n')
            s.pop_back();
        return s;
    }

    std::string file_;
    Log log_;
    const std::vector<LogLine>* L_ = nullptr;
    std::vector<std::string> names_;

    // facts
    std::string release_, versionLine_, debianVersion_, versionNote_;
    int major_ = -1, minor_ = -1;
    bool profile61_ = false;
    std::optional<std::string> cmdline_;
    ojson e820_ = ojson::array();
    std::optional<int> cpusBrought_, cpusAllowed_, nrCpuIds_, cpusSlub_;
    int cpus_ = 1;
    std::vector<SratBlock> srat_;
    std::vector<int> pxmCpuNodes_;
    std::map<int, int> cpuNodeBringUp_;
    std::vector<MergeLine> merges_;
    std::vector<int> memorylessNodes_;
    std::map<int, std::vector<int>> fallback_; // "Fallback order for Node N: ..."
    std::string distanceNote_;
    std::optional<std::pair<u64, u64>> ramdisk_;
    std::vector<FreeingLine> freeing_;
    std::vector<std::string> notModelled_;
    bool hasMemblock_ = false;
    std::size_t zoneIdx_ = npos, zonelistIdx_ = npos, memoryIdx_ = npos;

    // boot construction
    std::size_t limitLowIdx_ = npos, limitRaiseIdx_ = npos, numaStartIdx_ = npos,
                numaLastIdx_ = npos, nodeDataAllocIdx_ = npos, registerIdx_ = npos, trioIdx_ = npos;
    ojson boot_ = ojson::array(), prefix_ = ojson::array();
    RangeSet mem_, res_;
    std::set<std::size_t> consumed_;
    bool sawE820Add_ = false, firstDumpDone_ = false, numaInitDone_ = false, freeAreaDone_ = false,
         zonelistsDone_ = false, freeAllDone_ = false, numaRuleNote_ = false, numaSkipped_ = false,
         trimEmitted_ = false;
    std::size_t calls_ = 0, dumps_ = 0, reconstructed_ = 0, skippedDouble_ = 0,
                skippedFreeLate_ = 0;
};

bool isBootLine(const std::string& m) {
    if (m == "Zone ranges:" || m == "Movable zone start for each node" ||
        m == "Early memory node ranges" || startsWith(m, "Initmem setup node ") ||
        (startsWith(m, "On node ") && m.find("unavailable ranges") != npos))
        return true;
    // "  DMA      [mem ...]", "  Normal   empty", "  node   0: [mem ...]", "  Node 0: 0x..."
    return startsWith(m, "  ") && m.size() > 2 && m[2] != ' ' &&
           (m.find(" [mem ") != npos || m.ends_with(" empty") || startsWith(m, "  Node "));
}

} // namespace

nlohmann::ordered_json importDmesg(const std::string& text, const std::string& filename) {
    nlohmann::ordered_json out = Importer(text, filename).run();
    // A log may carry bytes that are not UTF-8 (serial-line noise inside a
    // command line or a caller name): JSON text must be UTF-8, so such
    // bytes become U+FFFD, as the kernel's own text would be shown.
    out = nlohmann::ordered_json::parse(
        out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    // What the importer writes must load. A log can describe a machine the
    // loader refuses (no usable RAM, a command-line option whose size does
    // not parse, ...): report it against the log line it came from.
    try {
        (void)loadScenario(out.dump(), filename + " (imported)");
    } catch (const InputError& e) {
        const std::string& ptr = e.pointer();
        const char* needle = ptr.rfind("/machine/cmdline", 0) == 0 ? "Command line:"
                             : ptr.rfind("/machine/e820", 0) == 0  ? "BIOS-e820:"
                             : ptr.rfind("/machine/numa", 0) == 0  ? "SRAT:"
                                                                   : nullptr;
        std::size_t at = needle ? text.find(needle) : std::string::npos;
        if (at == std::string::npos) at = 0;
        const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
        const auto bol = text.rfind('\n', at == 0 ? 0 : at - 1);
        const auto col = at - (bol == std::string::npos || at == 0 ? 0 : bol + 1) + 1;
        throw InputError({filename, static_cast<int>(line), static_cast<int>(col)}, "",
                         "this boot log describes a machine mmsim cannot load: " + e.message());
    }
    return out;
}

nlohmann::ordered_json importDmesgFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError({path, 0, 0}, "", "cannot read the boot log");
    std::ostringstream ss;
    ss << in.rdbuf();
    return importDmesg(ss.str(), path);
}

std::vector<std::string> extractBootLines(const std::string& logText) {
    Log log = splitLog(logText);
    std::vector<std::string> out;
    std::size_t first = npos, last = npos;
    for (std::size_t i = 0; i < log.lines.size(); ++i) {
        const std::string& m = log.lines[i].msg;
        if (m == "Zone ranges:" && first == npos) first = i;
        if (first != npos && (startsWith(m, "On node ") || startsWith(m, "Initmem setup node ")) &&
            isBootLine(m))
            last = i;
    }
    std::size_t after = first;
    if (first != npos) {
        if (last == npos) last = first;
        for (std::size_t i = first; i <= last; ++i)
            if (isBootLine(log.lines[i].msg)) out.push_back(log.lines[i].msg);
        after = last + 1;
    } else {
        after = 0;
    }
    for (std::size_t i = after; i < log.lines.size(); ++i) {
        const std::string& m = log.lines[i].msg;
        if (startsWith(m, "Fallback order for Node") ||
            (startsWith(m, "Built ") && m.find(" zonelists") != npos) ||
            startsWith(m, "Policy zone:"))
            out.push_back(m);
    }
    return out;
}

std::vector<std::string> extractMemblockLines(const std::string& logText) {
    Log log = splitLog(logText);
    std::vector<std::string> out;
    for (const LogLine& l : log.lines)
        if (isMemblockLine(l.msg)) out.push_back(l.msg);
    return out;
}

std::map<std::string, std::string> extractProcSections(const std::string& logText) {
    std::map<std::string, std::string> out;
    std::string* cur = nullptr;
    for (const std::string& l : rawLines(logText)) {
        if (startsWith(l, "=====")) {
            std::string name = l.substr(5);
            if (name == "END") break;
            cur = &out[name];
            cur->clear();
            continue;
        }
        if (cur) *cur += l + "\n";
    }
    return out;
}

} // namespace mmsim
