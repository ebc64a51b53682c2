// Scenario loading: parse a mmsim-scenario/1 document with nlohmann, map
// every value to its line and column (JsonLocator), then validate the whole
// document before anything runs: keys, types, sizes (kernel memparse), ranges,
// the NUMA topology, the kernel profile and every step against the op table
// (scenario_ops.h). The first problem found is thrown as an InputError naming
// file:line:col and the JSON pointer of the offending value (of the key, for
// an unknown key), with a suggestion when a key or op looks like a typo.
#include "core/scenario.h"

#include "core/cmdline.h"
#include "core/expect.h"
#include "core/predict.h"
#include "core/workload.h"
#include "core/memparse.h"
#include "core/scenario_ops.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace mmsim {

namespace {

constexpr std::string_view kFormat = "mmsim-scenario/1";

// ---------------------------------------------------------------- helpers


std::string child(const std::string& ptr, const std::string& key) {
    return ptr + "/" + jsonPointerEscape(key);
}
std::string child(const std::string& ptr, std::size_t index) {
    return ptr + "/" + std::to_string(index);
}

std::string quote(std::string_view s) {
    return json(std::string(s)).dump();
}

// "a string \"2\"", "an array", "a number 1.5": what a wrong value is.
std::string describe(const json& v) {
    auto shown = [&] {
        std::string d = v.dump();
        if (d.size() > 40) d = d.substr(0, 37) + "...";
        return d;
    };
    switch (v.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "a boolean " + shown();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "an integer " + shown();
    case json::value_t::number_float:
        return "a number " + shown();
    case json::value_t::string:
        return "a string " + shown();
    case json::value_t::array:
        return "an array";
    case json::value_t::object:
        return "an object";
    default:
        return "a value " + shown();
    }
}

std::string hex(std::uint64_t v) {
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// Optimal string alignment distance (Levenshtein plus adjacent swaps),
// ignoring ASCII case.
std::size_t editDistance(std::string_view a0, std::string_view b0) {
    std::string a = lower(a0), b = lower(b0);
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

// The closest candidate when it is close enough to be a typo, else "".
std::string closest(std::string_view word, const std::vector<std::string_view>& candidates) {
    std::string best;
    std::size_t bestD = std::numeric_limits<std::size_t>::max();
    for (auto c : candidates) {
        std::size_t d = editDistance(word, c);
        std::size_t allowed = c.size() <= 3 ? 1 : c.size() <= 7 ? 2 : 3;
        if (d <= allowed && d < std::max<std::size_t>(word.size(), 1) && d < bestD) {
            bestD = d;
            best = std::string(c);
        }
    }
    return best;
}

std::string joinNames(const std::vector<std::string_view>& names) {
    std::string s;
    for (auto n : names) {
        if (!s.empty()) s += ", ";
        s += n;
    }
    return s;
}

bool isIdentifier(const std::string& s) {
    if (s.empty()) return false;
    auto alpha = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    if (!alpha(s[0])) return false;
    return std::all_of(s.begin(), s.end(),
                       [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}


// ---------------------------------------------------------------- parsing

// Follows nlohmann's parse events to know the JSON pointer being parsed (for
// syntax errors) and to find duplicate keys, which nlohmann accepts silently
// (the last one wins).
class PathTracker {
  public:
    struct Frame {
        bool array = false;
        std::size_t count = 0;
        std::string seg;      // token of the child being parsed
        bool pending = false; // a key was read, its value not finished
        std::set<std::string> keys;
    };

    bool event(json::parse_event_t ev, const json& parsed) {
        switch (ev) {
        case json::parse_event_t::object_start:
        case json::parse_event_t::array_start:
            startChild();
            stack_.push_back(Frame{ev == json::parse_event_t::array_start, 0, {}, false, {}});
            break;
        case json::parse_event_t::key: {
            Frame& f = stack_.back();
            std::string key = parsed.get<std::string>();
            f.seg = jsonPointerEscape(key);
            f.pending = true;
            if (!f.keys.insert(key).second && duplicate.empty()) {
                duplicate = pointer();
                duplicateKey = key;
            }
            break;
        }
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            stack_.pop_back();
            if (!stack_.empty()) stack_.back().pending = false;
            break;
        case json::parse_event_t::value:
            startChild();
            if (!stack_.empty()) stack_.back().pending = false;
            break;
        }
        return true;
    }

    // The pointer of what is being parsed: the value after the last key read,
    // or else the innermost open container.
    std::string pointer() const {
        std::string p;
        for (std::size_t i = 0; i < stack_.size(); ++i) {
            bool last = i + 1 == stack_.size();
            if (!last || stack_[i].pending) p += "/" + stack_[i].seg;
        }
        return p;
    }

    std::string duplicate; // pointer of the first repeated key, if any
    std::string duplicateKey;

  private:
    std::vector<Frame> stack_;

    void startChild() {
        if (stack_.empty()) return;
        Frame& f = stack_.back();
        if (f.array) {
            f.seg = std::to_string(f.count++);
            f.pending = true;
        }
    }
};

// nlohmann's what(): "[json.exception.parse_error.101] parse error at line 1,
// column 9: syntax error while parsing ..." -> "syntax error while parsing ...".
std::string parseErrorText(const std::string& what) {
    auto p = what.find("parse error");
    if (p != std::string::npos) {
        auto colon = what.find(": ", p);
        if (colon != std::string::npos) return what.substr(colon + 2);
    }
    auto b = what.find("] ");
    return b == std::string::npos ? what : what.substr(b + 2);
}

// nlohmann reports the offset of the last character it read. For a
// well-formed but unexpected token (a string, number or literal where
// something else belongs), point at the token's first character instead.
std::size_t tokenStart(const std::string& text, std::size_t off, const std::string& msg) {
    if (off >= text.size()) return off;
    if (msg.find("unexpected string literal") != std::string::npos && text[off] == '"') {
        for (std::size_t j = off; j-- > 0;) {
            if (text[j] != '"') continue;
            std::size_t backslashes = 0;
            while (backslashes < j && text[j - 1 - backslashes] == '\\')
                ++backslashes;
            if (backslashes % 2 == 0) return j;
        }
        return off;
    }
    // An unexpected number or literal, or a malformed one ("tru", "1.e"):
    // back to where its letters start.
    if (msg.find("unexpected number literal") != std::string::npos ||
        msg.find("invalid literal") != std::string::npos ||
        msg.find("invalid number") != std::string::npos ||
        msg.find("unexpected 'true'") != std::string::npos ||
        msg.find("unexpected 'false'") != std::string::npos ||
        msg.find("unexpected 'null'") != std::string::npos) {
        auto inToken = [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   c == '+' || c == '-' || c == '.';
        };
        while (off > 0 && inToken(text[off - 1]))
            --off;
    }
    return off;
}

// ---------------------------------------------------------------- validation

class Loader {
  public:
    explicit Loader(Scenario& sc) : sc_(sc) {}

    void load() {
        const json& root = sc_.document;
        if (!root.is_object())
            fail("",
                 "a scenario must be a JSON object {\"format\": \"mmsim-scenario/1\", ...}, got " +
                     describe(root));
        checkKeys(root, "",
                  {"$schema", "format", "title", "description", "seed", "machine", "boot", "steps"},
                  "the scenario");
        if (!root.contains("format"))
            fail("", "missing required key \"format\" (\"" + std::string(kFormat) + "\")");
        sc_.format = getString(root["format"], "/format", "format");
        if (sc_.format != kFormat)
            fail("/format", "unsupported format " + quote(sc_.format) + ": expected \"" +
                                std::string(kFormat) + "\"");
        for (const auto& [key, v] : root.items()) {
            std::string ptr = child("", key);
            if (key == "$schema")
                getString(v, ptr, key);
            else if (key == "title")
                sc_.title = getString(v, ptr, key);
            else if (key == "description")
                sc_.description = getString(v, ptr, key);
            else if (key == "seed")
                sc_.seed = getUint(v, ptr, key);
            else if (key == "machine")
                machine(v, ptr);
            else if (key == "boot")
                boot(v, ptr);
            else if (key == "steps")
                steps(v, ptr);
        }
        if (!root.contains("machine"))
            fail("", "missing required key \"machine\" (the simulated computer: cpus, e820, "
                     "numa, ...)");
        // The auto boot needs RAM to boot on; an explicit boot adds its own
        // memory with memblock_add and may leave e820 empty.
        if (sc_.boot_auto) {
            bool ram = false;
            for (const E820EntrySpec& e : sc_.machine.e820) ram |= e.type == 1 && e.size >= (1u << 20);
            if (!ram)
                fail("/machine/e820", "the auto boot needs at least 1 MiB of usable RAM in e820 "
                                      "(or give an explicit \"boot\" array of memblock steps)");
        }
        // cma= exists only in a kernel built with CONFIG_CMA; one without
        // would pass it on to init as an unknown parameter and reserve
        // nothing, which is never what a scenario giving it means.
        if (parseCmdline(sc_.machine.cmdline).cma) {
            if (!sc_.machine.profile.cma)
                fail("/machine/cmdline",
                     "cma= needs a kernel built with CONFIG_CMA (Debian's amd64 6.1 and 6.12 "
                     "kernels are not): add \"cma\": true to machine.kernel");
            if (!sc_.boot_auto)
                fail("/machine/cmdline", "cma= needs the auto boot: dma_contiguous_reserve() runs "
                                         "inside setup_arch()");
        }
    }

  private:
    Scenario& sc_;

    [[noreturn]] void fail(const std::string& ptr, const std::string& msg) const {
        throw sc_.errorAt(ptr, msg);
    }
    [[noreturn]] void failKey(const std::string& ptr, const std::string& msg) const {
        SourceLoc loc = sc_.locator.locateKey(ptr);
        if (loc.file.empty()) loc.file = sc_.file;
        throw InputError(loc, ptr, msg);
    }

    void checkKeys(const json& obj, const std::string& ptr,
                   const std::vector<std::string_view>& known, const std::string& where) const {
        for (const auto& [key, v] : obj.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            std::string msg = "unknown key " + quote(key) + " in " + where;
            std::string guess = closest(key, known);
            if (!guess.empty())
                msg += "; did you mean " + quote(guess) + "?";
            else
                msg += " (known keys: " + joinNames(known) + ")";
            failKey(child(ptr, key), msg);
        }
    }

    void require(const json& obj, const std::string& ptr, const std::string& key,
                 const std::string& where) const {
        if (!obj.contains(key)) fail(ptr, "missing required key " + quote(key) + " in " + where);
    }

    const json& getObject(const json& v, const std::string& ptr, const std::string& what) const {
        if (!v.is_object()) fail(ptr, what + " must be an object, got " + describe(v));
        return v;
    }
    const json& getArray(const json& v, const std::string& ptr, const std::string& what) const {
        if (!v.is_array()) fail(ptr, what + " must be an array, got " + describe(v));
        return v;
    }
    std::string getString(const json& v, const std::string& ptr, const std::string& what) const {
        if (!v.is_string()) fail(ptr, what + " must be a string, got " + describe(v));
        return v.get<std::string>();
    }
    bool getBool(const json& v, const std::string& ptr, const std::string& what) const {
        if (!v.is_boolean()) fail(ptr, what + " must be true or false, got " + describe(v));
        return v.get<bool>();
    }
    std::int64_t getInt(const json& v, const std::string& ptr, const std::string& what,
                        std::int64_t min, std::int64_t max, const std::string& range = {}) const {
        if (!v.is_number_integer()) fail(ptr, what + " must be an integer, got " + describe(v));
        bool ok;
        std::int64_t x = 0;
        if (v.is_number_unsigned()) {
            auto u = v.get<std::uint64_t>();
            ok = (min < 0 || u >= static_cast<std::uint64_t>(min)) &&
                 u <= static_cast<std::uint64_t>(max);
            x = ok ? static_cast<std::int64_t>(u) : 0;
        } else {
            x = v.get<std::int64_t>();
            ok = x >= min && x <= max;
        }
        if (!ok)
            fail(ptr,
                 what + " " + v.dump() + " is out of range: expected " +
                     (range.empty() ? std::to_string(min) + ".." + std::to_string(max) : range));
        return x;
    }
    std::uint64_t getUint(const json& v, const std::string& ptr, const std::string& what) const {
        if (!v.is_number_integer()) fail(ptr, what + " must be an integer, got " + describe(v));
        if (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)
            fail(ptr, what + " " + v.dump() + " is negative: expected an integer >= 0");
        return v.get<std::uint64_t>();
    }

    std::uint64_t getSize(const json& v, const std::string& ptr, const std::string& what) const {
        if (v.is_number_unsigned()) return v.get<std::uint64_t>();
        if (v.is_number_integer()) {
            if (v.get<std::int64_t>() < 0)
                fail(ptr, what + " " + v.dump() + " is negative: sizes and addresses are unsigned");
            return v.get<std::uint64_t>();
        }
        if (v.is_number_float()) {
            double d = v.get<double>();
            if (d >= 18446744073709551616.0)
                fail(ptr, what + " " + v.dump() + " does not fit in 64 bits (max 2^64-1)");
            if (d < 0)
                fail(ptr, what + " " + v.dump() + " is negative: sizes and addresses are unsigned");
            fail(ptr, what + " " + v.dump() + " is not an integer");
        }
        if (v.is_string()) {
            ParsedSize p = memparseDetailed(v.get<std::string>());
            if (!p.value) fail(ptr, what + " " + v.dump() + " does not parse: " + p.why);
            return *p.value;
        }
        fail(ptr, what + " must be an integer or a string like \"64M\" or \"0x1000\", got " +
                      describe(v));
    }

    // [addr, addr + size) must not wrap past 2^64.
    void checkRange(std::uint64_t addr, std::uint64_t size, const std::string& ptr,
                    const std::string& what) const {
        if (size != 0 && addr > std::numeric_limits<std::uint64_t>::max() - (size - 1))
            fail(ptr, what + " at " + hex(addr) + " of size " + hex(size) +
                          " runs past the end of the 64-bit address space");
    }

    PhysRange physRange(const json& v, const std::string& ptr, const std::string& what) {
        getObject(v, ptr, what);
        checkKeys(v, ptr, {"addr", "size"}, what);
        require(v, ptr, "addr", what);
        require(v, ptr, "size", what);
        PhysRange r;
        r.addr = getSize(v["addr"], child(ptr, "addr"), "addr");
        r.size = getSize(v["size"], child(ptr, "size"), "size");
        checkRange(r.addr, r.size, ptr, what);
        return r;
    }

    // ------------------------------------------------------------ machine

    void machine(const json& m, const std::string& ptr) {
        getObject(m, ptr, "machine");
        checkKeys(m, ptr,
                  {"cpus", "e820", "numa", "cmdline", "kernel", "kernel_image", "initrd", "sysctl",
                   "cost"},
                  "machine");
        MachineSpec& ms = sc_.machine;
        // cpus first: the NUMA nodes' CPU lists are checked against it.
        if (m.contains("cpus"))
            ms.cpus = static_cast<int>(getInt(m["cpus"], child(ptr, "cpus"), "cpus", 1, 1024));
        for (const auto& [key, v] : m.items()) {
            std::string p = child(ptr, key);
            if (key == "e820")
                e820(v, p);
            else if (key == "numa")
                numa(v, p);
            else if (key == "cmdline") {
                ms.cmdline = getString(v, p, key);
                try {
                    (void)parseCmdline(ms.cmdline);
                } catch (const std::invalid_argument& e) {
                    fail(p, std::string("kernel command line: ") + e.what());
                }
            }
            else if (key == "kernel")
                kernel(v, p);
            else if (key == "kernel_image")
                ms.kernel_image = physRange(v, p, "kernel_image");
            else if (key == "initrd")
                ms.initrd = physRange(v, p, "initrd");
            else if (key == "sysctl")
                sysctl(v, p);
            else if (key == "cost")
                cost(v, p);
        }
        require(m, ptr, "e820", "machine (the BIOS memory map)");
    }

    void e820(const json& arr, const std::string& ptr) {
        getArray(arr, ptr, "e820");
        for (std::size_t i = 0; i < arr.size(); ++i) {
            const json& e = arr[i];
            std::string p = child(ptr, i);
            getObject(e, p, "an e820 entry");
            checkKeys(e, p, {"addr", "size", "type"}, "an e820 entry");
            require(e, p, "addr", "an e820 entry");
            require(e, p, "size", "an e820 entry");
            require(e, p, "type", "an e820 entry");
            E820EntrySpec spec;
            spec.addr = getSize(e["addr"], child(p, "addr"), "addr");
            spec.size = getSize(e["size"], child(p, "size"), "size");
            checkRange(spec.addr, spec.size, p, "the e820 entry");
            spec.type = e820Type(e["type"], child(p, "type"));
            sc_.machine.e820.push_back(spec);
        }
    }

    std::uint32_t e820Type(const json& v, const std::string& ptr) const {
        std::vector<std::string_view> names;
        for (const auto& [name, num] : e820Types())
            names.push_back(name);
        if (v.is_number_integer())
            return static_cast<std::uint32_t>(
                getInt(v, ptr, "e820 type", 1, 0xffffffff, "an e820 type number 1..0xffffffff"));
        if (!v.is_string())
            fail(ptr, "e820 type must be a name (" + joinNames(names) +
                          ") or an e820 type number, got " + describe(v));
        std::string s = v.get<std::string>();
        for (const auto& [name, num] : e820Types())
            if (s == name) return num;
        std::string msg = "unknown e820 type " + quote(s);
        std::string guess = closest(s, names);
        if (!guess.empty()) msg += "; did you mean " + quote(guess) + "?";
        fail(ptr, msg + " (expected one of: " + joinNames(names) + ", or a type number)");
    }

    void numa(const json& n, const std::string& ptr) {
        getObject(n, ptr, "numa");
        checkKeys(n, ptr, {"nodes", "distance"}, "numa");
        require(n, ptr, "nodes", "numa");
        MachineSpec& ms = sc_.machine;
        const json& nodes = getArray(n["nodes"], child(ptr, "nodes"), "nodes");
        if (nodes.empty()) fail(child(ptr, "nodes"), "nodes is empty: give at least one node");
        std::map<int, std::string> ids; // id -> pointer of its node
        std::map<int, int> cpuOwner;    // cpu -> node id
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const json& node = nodes[i];
            std::string p = child(child(ptr, "nodes"), i);
            getObject(node, p, "a NUMA node");
            checkKeys(node, p, {"id", "ranges", "cpus"}, "a NUMA node");
            require(node, p, "id", "a NUMA node");
            NumaNodeSpec spec;
            std::string idPtr = child(p, "id");
            spec.id = static_cast<int>(getInt(node["id"], idPtr, "node id", 0, MAX_NUMNODES - 1));
            if (auto it = ids.find(spec.id); it != ids.end())
                fail(idPtr, "duplicate NUMA node id " + std::to_string(spec.id) + " (also at " +
                                it->second + ")");
            ids[spec.id] = p;
            if (node.contains("ranges")) {
                std::string rp = child(p, "ranges");
                const json& ranges = getArray(node["ranges"], rp, "ranges");
                for (std::size_t r = 0; r < ranges.size(); ++r) {
                    std::string pr = child(rp, r);
                    const json& range = ranges[r];
                    if (!range.is_array() || range.size() != 2)
                        fail(pr, "a node range must be [start, end] (end inclusive, as SRAT "
                                 "prints it), got " +
                                     describe(range));
                    std::uint64_t start = getSize(range[0], child(pr, 0), "range start");
                    std::uint64_t end = getSize(range[1], child(pr, 1), "range end");
                    if (start > end)
                        fail(pr, "range start " + hex(start) + " is above its end " + hex(end) +
                                     " (the end is inclusive)");
                    if (end == std::numeric_limits<std::uint64_t>::max())
                        fail(child(pr, 1), "range end " + hex(end) +
                                               " is the last byte of the 64-bit space; ranges "
                                               "must end below it");
                    spec.ranges.emplace_back(start, end + 1);
                }
            }
            if (node.contains("cpus")) {
                std::string cp = child(p, "cpus");
                const json& cpus = getArray(node["cpus"], cp, "cpus");
                for (std::size_t c = 0; c < cpus.size(); ++c) {
                    std::string pc = child(cp, c);
                    int cpu = static_cast<int>(getInt(cpus[c], pc, "CPU", 0, ms.cpus - 1,
                                                      "0.." + std::to_string(ms.cpus - 1) +
                                                          " (machine.cpus is " +
                                                          std::to_string(ms.cpus) + ")"));
                    if (auto it = cpuOwner.find(cpu); it != cpuOwner.end())
                        fail(pc, "CPU " + std::to_string(cpu) + " is already in node " +
                                     std::to_string(it->second));
                    cpuOwner[cpu] = spec.id;
                    spec.cpus.push_back(cpu);
                }
            }
            ms.nodes.push_back(std::move(spec));
        }
        if (n.contains("distance")) distance(n["distance"], child(ptr, "distance"));
    }

    // Row i, column j: from the i-th to the j-th node of "nodes". The kernel
    // ignores a SLIT whose diagonal is not LOCAL_DISTANCE (10) or whose other
    // entries are <= 10 (slit_valid()); entries are u8 (numa_set_distance()).
    void distance(const json& d, const std::string& ptr) {
        MachineSpec& ms = sc_.machine;
        const std::size_t n = ms.nodes.size();
        const std::string shape = std::to_string(n) + "x" + std::to_string(n);
        getArray(d, ptr, "distance");
        if (d.size() != n)
            fail(ptr, "distance must be a " + shape + " matrix (one row per node), got " +
                          std::to_string(d.size()) + " rows");
        for (std::size_t i = 0; i < n; ++i) {
            std::string pr = child(ptr, i);
            const json& row = getArray(d[i], pr, "a distance row");
            if (row.size() != n)
                fail(pr, "distance row " + std::to_string(i) + " has " +
                             std::to_string(row.size()) + " entries, expected " +
                             std::to_string(n) + " (the matrix is " + shape + ")");
            std::vector<int> out;
            for (std::size_t j = 0; j < n; ++j) {
                std::string pe = child(pr, j);
                int from = ms.nodes[i].id, to = ms.nodes[j].id;
                int v = static_cast<int>(getInt(row[j], pe, "distance", 0, 255, "10..255"));
                if (i == j && v != 10)
                    fail(pe, "distance from node " + std::to_string(from) +
                                 " to itself must be 10 (LOCAL_DISTANCE), got " +
                                 std::to_string(v));
                if (i != j && v <= 10)
                    fail(pe, "distance " + std::to_string(v) + " from node " +
                                 std::to_string(from) + " to node " + std::to_string(to) +
                                 " is invalid: remote distances must be 11..255 (the kernel "
                                 "ignores a SLIT with a remote distance <= 10)");
                out.push_back(v);
            }
            ms.distance.push_back(std::move(out));
        }
    }

    void kernel(const json& k, const std::string& ptr) {
        getObject(k, ptr, "kernel");
        checkKeys(k, ptr, {"version", "slab", "pcp", "thp", "cma"}, "machine.kernel");
        MachineSpec& ms = sc_.machine;
        for (const auto& [key, v] : k.items()) {
            std::string p = child(ptr, key);
            if (key == "version") {
                std::string s = getString(v, p, "kernel version");
                if (s == "6.12")
                    ms.profile.version = KernelVersion::V6_12;
                else if (s == "6.1")
                    ms.profile.version = KernelVersion::V6_1;
                else
                    fail(p, "kernel version " + quote(s) +
                                " is not supported: expected \"6.12\" or \"6.1\"");
            } else if (key == "slab") {
                std::string s = getString(v, p, "slab");
                if (s != "slub" && s != "slab")
                    fail(p, "slab " + quote(s) +
                                " is not an allocator: expected \"slub\" or "
                                "\"slab\"");
                ms.slab = s;
            } else if (key == "pcp") {
                ms.pcp = getBool(v, p, key);
            } else if (key == "thp") {
                ms.thp = getBool(v, p, key);
            } else if (key == "cma") {
                ms.profile.cma = getBool(v, p, key);
            }
        }
        if (ms.slab == "slab" && !ms.profile.is61())
            fail(child(ptr, "slab"), "slab \"slab\" (classic SLAB) was removed in Linux 6.8: it "
                                     "needs \"version\": \"6.1\"");
    }

    void sysctl(const json& s, const std::string& ptr) {
        getObject(s, ptr, "sysctl");
        checkKeys(s, ptr,
                  {"vm.min_free_kbytes", "vm.watermark_scale_factor", "vm.lowmem_reserve_ratio"},
                  "sysctl");
        constexpr std::int64_t intMax = std::numeric_limits<int>::max();
        SysctlSpec& sc = sc_.machine.sysctl;
        for (const auto& [key, v] : s.items()) {
            std::string p = child(ptr, key);
            if (key == "vm.min_free_kbytes") {
                sc.min_free_kbytes = static_cast<long>(getInt(v, p, key, 0, intMax));
            } else if (key == "vm.watermark_scale_factor") {
                sc.watermark_scale_factor = static_cast<long>(getInt(v, p, key, 1, 3000));
            } else if (key == "vm.lowmem_reserve_ratio") {
                getArray(v, p, key);
                if (v.size() != 5)
                    fail(p, key +
                                " must have 5 entries (DMA, DMA32, Normal, Movable, Device), "
                                "got " +
                                std::to_string(v.size()));
                sc.lowmem_reserve_ratio.clear();
                for (std::size_t i = 0; i < v.size(); ++i)
                    sc.lowmem_reserve_ratio.push_back(
                        static_cast<long>(getInt(v[i], child(p, i), key + " entry", 0, intMax)));
            }
        }
    }

    // The cost model: cycles per event kind, and the NUMA factor switch.
    void cost(const json& c, const std::string& ptr) {
        getObject(c, ptr, "cost");
        CostModel& cm = sc_.machine.cost;
        for (const auto& [key, v] : c.items()) {
            std::string p = child(ptr, key);
            if (key == "numa_factor") {
                cm.numa_factor = getBool(v, p, key);
            } else if (std::uint32_t* f = cm.find(key)) {
                *f = static_cast<std::uint32_t>(getInt(v, p, key + " cycles", 0, 1000000000));
            } else {
                std::string known;
                for (const CostModel::Field& fl : CostModel::fields())
                    known += std::string(known.empty() ? "" : ", ") + fl.name;
                fail(p, "unknown key " + quote(key) + " in machine.cost: expected an event kind (" +
                            known + ") or numa_factor");
            }
        }
    }

    // ------------------------------------------------------------ steps

    void boot(const json& b, const std::string& ptr) {
        if (b.is_string()) {
            if (b.get<std::string>() != "auto")
                fail(ptr, "boot must be \"auto\" or an array of boot steps, got " + describe(b));
            sc_.boot_auto = true;
            return;
        }
        if (!b.is_array())
            fail(ptr, "boot must be \"auto\" or an array of boot steps, got " + describe(b));
        sc_.boot_auto = false;
        for (std::size_t i = 0; i < b.size(); ++i)
            sc_.boot.push_back(step(b[i], child(ptr, i), true));
    }

    void steps(const json& s, const std::string& ptr) {
        getArray(s, ptr, "steps");
        for (std::size_t i = 0; i < s.size(); ++i)
            sc_.steps.push_back(step(s[i], child(ptr, i), false));
    }

    Step step(const json& v, const std::string& ptr, bool bootPhase) {
        const std::string phase = bootPhase ? "\"boot\"" : "\"steps\"";
        if (!v.is_object())
            fail(ptr, "a step must be an object like {\"op\": \"" +
                          std::string(bootPhase ? "memblock_add" : "free_reserved_area") +
                          "\", ...}, got " + describe(v));
        if (!v.contains("op")) fail(ptr, "missing required key \"op\" in a step");
        std::string opPtr = child(ptr, "op");
        std::string op = getString(v["op"], opPtr, "op");
        const OpSpec* spec = findOp(op, bootPhase);
        if (!spec) {
            if (findOpAnyPhase(op)) {
                if (bootPhase)
                    fail(opPtr, "op " + quote(op) +
                                    " is not a boot op: it is valid only in \"steps\", after boot");
                fail(opPtr, "op " + quote(op) +
                                " is a boot op: it is valid only in \"boot\" (an explicit "
                                "memblock boot), not in \"steps\"");
            }
            std::vector<std::string_view> names;
            for (const auto& o : scenarioOps())
                if (o.validIn(bootPhase)) names.push_back(o.name);
            std::string msg = "unknown op " + quote(op) + " in " + phase;
            std::string guess = closest(op, names);
            if (guess.empty()) {
                std::vector<std::string_view> all;
                for (const auto& o : scenarioOps())
                    all.push_back(o.name);
                guess = closest(op, all);
            }
            if (!guess.empty())
                msg += "; did you mean " + quote(guess) + "?";
            else
                msg += " (ops valid here: " + joinNames(names) + ")";
            fail(opPtr, msg);
        }

        std::vector<std::string_view> known{"op"};
        for (const auto& f : spec->fields)
            known.push_back(f.name);
        for (const auto& f : commonStepFields())
            known.push_back(f.name);
        std::string where = "a " + op + " step";
        checkKeys(v, ptr, known, where);
        for (const auto& [key, value] : v.items()) {
            if (key == "op") continue;
            const FieldSpec* f = spec->field(key);
            if (!f) {
                for (const auto& c : commonStepFields())
                    if (c.name == key) f = &c;
            }
            if (f) checkField(*f, value, child(ptr, key));
        }
        for (const auto& f : spec->fields)
            if (f.required && !v.contains(std::string(f.name)))
                fail(ptr, "missing required field " + quote(f.name) + " in " + where);

        Step s;
        s.op = op;
        s.args = v;
        s.pointer = ptr;
        s.loc = sc_.locator.locate(ptr);
        controlStep(s, v, ptr);
        return s;
    }

    // The control steps' bodies (repeat, expect, predict, workload): checked
    // here so that every mistake is found before anything runs.
    void controlStep(Step& s, const json& v, const std::string& ptr) {
        try {
            if (s.op == "repeat") {
                const json& body = v["steps"];
                const std::string bp = child(ptr, "steps");
                if (!body.is_array() || body.empty())
                    fail(bp, "the steps of a repeat must be a non-empty array of steps, got " +
                                 describe(body));
                for (std::size_t i = 0; i < body.size(); ++i)
                    s.children.push_back(step(body[i], child(bp, i), false));
            } else if (s.op == "label") {
                if (v["name"].get<std::string>().empty()) fail(child(ptr, "name"), "a label needs a name");
            } else if (s.op == "expect") {
                parseExpect(v, ptr);
            } else if (s.op == "predict") {
                parsePredict(v, ptr);
            } else if (s.op == "workload") {
                parseWorkload(v, ptr);
            }
        } catch (const SpecError& e) {
            fail(e.pointer, e.message);
        }
    }

    void checkField(const FieldSpec& f, const json& v, const std::string& ptr) const {
        const std::string name(f.name);
        switch (f.kind) {
        case FieldKind::Size:
            getSize(v, ptr, name);
            break;
        case FieldKind::Nid:
            // MAX_NUMNODES is "no node": what memblock_add() gives a region and
            // what 6.1's numa_init() resets every region to.
            getInt(v, ptr, name, -1, MAX_NUMNODES,
                   "-1 (NUMA_NO_NODE), 0.." + std::to_string(MAX_NUMNODES - 1) + " or " +
                       std::to_string(MAX_NUMNODES) + " (MAX_NUMNODES: no node)");
            break;
        case FieldKind::Int:
            getInt(v, ptr, name, f.min, f.max);
            break;
        case FieldKind::Bool:
            getBool(v, ptr, name);
            break;
        case FieldKind::String:
            getString(v, ptr, name);
            break;
        case FieldKind::Enum: {
            std::string s = getString(v, ptr, name);
            if (std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
                std::string msg = name + " " + quote(s) + " is not valid";
                std::string guess = closest(s, f.choices);
                if (!guess.empty()) msg += "; did you mean " + quote(guess) + "?";
                fail(ptr, msg + " (expected one of: " + joinNames(f.choices) + ")");
            }
            break;
        }
        case FieldKind::Flags: {
            getArray(v, ptr, name);
            std::set<std::string> seen;
            for (std::size_t i = 0; i < v.size(); ++i) {
                std::string pi = child(ptr, i);
                std::string s = getString(v[i], pi, "a " + name + " entry");
                if (std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end()) {
                    std::string msg = "unknown flag " + quote(s);
                    std::string guess = closest(s, f.choices);
                    if (!guess.empty()) msg += "; did you mean " + quote(guess) + "?";
                    fail(pi, msg + " (expected one of: " + joinNames(f.choices) + ")");
                }
                if (!seen.insert(s).second) fail(pi, "flag " + quote(s) + " is listed twice");
            }
            break;
        }
        case FieldKind::Name: {
            std::string s = getString(v, ptr, name);
            if (!isIdentifier(s))
                fail(ptr, name + " name " + quote(s) +
                              " is not an identifier: use letters, digits and '_', not "
                              "starting with a digit");
            break;
        }
        case FieldKind::Gfp: {
            std::string s = getString(v, ptr, name);
            std::stringstream ss(s);
            std::string tok;
            bool ok = !s.empty() && s.back() != '|';
            while (ok && std::getline(ss, tok, '|')) {
                auto b = tok.find_first_not_of(' ');
                auto e = tok.find_last_not_of(' ');
                ok = b != std::string::npos && isIdentifier(tok.substr(b, e - b + 1));
            }
            if (!ok)
                fail(ptr, name + " " + quote(s) +
                              " is not GFP flag names joined by '|' (e.g. \"GFP_KERNEL | "
                              "__GFP_ZERO\")");
            break;
        }
        case FieldKind::Any:
            break;
        }
    }
};

} // namespace

const std::vector<std::pair<std::string_view, std::uint32_t>>& e820Types() {
    static const std::vector<std::pair<std::string_view, std::uint32_t>> types = {
        {"usable", 1},
        {"reserved", 2},
        {"ACPI data", 3},
        {"ACPI NVS", 4},
        {"unusable", 5},
        {"persistent", 7},
        {"soft reserved", 0xefffffff},
    };
    return types;
}

std::optional<std::uint64_t> memparse(const std::string& text) {
    return memparseDetailed(text).value;
}

std::optional<std::uint64_t> parseSize(const json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (value.is_number_integer()) {
        auto v = value.get<std::int64_t>();
        if (v < 0) return std::nullopt;
        return static_cast<std::uint64_t>(v);
    }
    if (value.is_string()) return memparse(value.get<std::string>());
    return std::nullopt;
}

InputError Scenario::errorAt(const std::string& pointer, const std::string& message) const {
    SourceLoc loc = locator.locate(pointer);
    if (loc.file.empty()) loc.file = file;
    return InputError(loc, pointer, message);
}

Scenario loadScenario(const std::string& text, const std::string& filename) {
    Scenario sc;
    sc.file = filename;
    PathTracker tracker;
    try {
        sc.document = json::parse(
            text,
            [&tracker](int, json::parse_event_t ev, json& parsed) {
                return tracker.event(ev, parsed);
            },
            true);
    } catch (const json::parse_error& e) {
        std::string msg = parseErrorText(e.what());
        std::size_t offset = tokenStart(text, e.byte > 0 ? e.byte - 1 : 0, msg);
        throw InputError(JsonLocator::offsetToLoc(text, offset, filename), tracker.pointer(),
                         "invalid JSON: " + msg);
    } catch (const json::exception& e) {
        // e.g. out_of_range.406 "number overflow parsing '1e999'": nlohmann
        // gives no position, so point at the first occurrence of the token.
        std::string msg = e.what();
        if (auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);
        std::size_t offset = 0;
        if (auto q1 = msg.find('\''), q2 = msg.rfind('\''); q1 != std::string::npos && q2 > q1)
            if (auto at = text.find(msg.substr(q1 + 1, q2 - q1 - 1)); at != std::string::npos)
                offset = at;
        throw InputError(JsonLocator::offsetToLoc(text, offset, filename), tracker.pointer(),
                         "invalid JSON: " + msg);
    }
    sc.locator = JsonLocator::build(text, filename);
    if (!tracker.duplicate.empty()) {
        throw InputError(sc.locator.locateKey(tracker.duplicate), tracker.duplicate,
                         "duplicate key " + quote(tracker.duplicateKey) +
                             " (the earlier value would be silently replaced)");
    }
    Loader(sc).load();
    return sc;
}

Scenario loadScenarioFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        int err = errno;
        throw InputError(SourceLoc{path, 0, 0}, "",
                         std::string("cannot open scenario: ") +
                             (err ? std::strerror(err) : "unknown error"));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError(SourceLoc{path, 0, 0}, "", "cannot read scenario");
    return loadScenario(ss.str(), path);
}

} // namespace mmsim
