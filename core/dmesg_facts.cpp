// Pass 1 of the dmesg importer: the facts read off the boot log line by line
// (release, command line, e820 map, CPU counts, SRAT blocks and CPU
// placement, NUMA merge lines, fallback orders, RAMDISK and "Freeing" lines,
// and where the zone and zonelist set-up is printed).
#include "core/dmesg_importer.h"

#include "core/types.h"

#include <cctype>

namespace mmsim::dmesg {

void Importer::scanFacts() {
    bool e820Done = false;
    for (std::size_t i = 0; i < size(); ++i) {
        const std::string& m = line(i).msg;
        if (opensCallOrDump(i)) hasMemblock_ = true;
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
            nrCpuIds_ = static_cast<int>(decAt(i, p + 11, "nr_cpu_ids"));
        }
        if (startsWith(m, "SLUB: ") && m.find(", CPUs=") != npos && !cpusSlub_) {
            cpusSlub_ = static_cast<int>(decAt(i, m.find(", CPUs=") + 7, "CPU count", false));
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
            memorylessNodes_.push_back(static_cast<int>(decAt(i, 19, "node", false)));
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
        if (isZonelistLine(m) && zonelistIdx_ == npos) zonelistIdx_ = i;
        if (startsWith(m, "Memory: ") && m.find(" available") != npos && memoryIdx_ == npos)
            memoryIdx_ = i;
    }
    if (e820_.empty())
        throw InputError({file_, 1, 1}, "",
                         "not a boot log: no \"BIOS-e820:\" lines (the firmware memory map)");
}

// The decimal number at pos on line i.
u64 Importer::decAt(std::size_t i, std::size_t pos, const char* what, bool strict) const {
    return parse(i, [&] {
        Cursor c(line(i).msg, pos);
        return c.dec(what, strict);
    });
}

void Importer::parseVersion(std::size_t i) {
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

void Importer::parseE820(std::size_t i) {
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
                if (!tc.atEnd()) throw ParseFail{tc.pos(), "unexpected text after the e820 type"};
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

void Importer::parseSrat(std::size_t i) {
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

void Importer::parseBringUp(std::size_t i) {
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

void Importer::parseMerge(std::size_t i) {
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

} // namespace mmsim::dmesg
