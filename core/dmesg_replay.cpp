// The boot array of an imported memblock=debug log: every printed memblock
// call replayed in log order (an allocation and the memblock_reserve that
// places it as one memblock_alloc step), the calls the kernel makes without
// printing put back where its code makes them (the hooks), and each
// MEMBLOCK dump checked against the replay - the first one also supplying
// what was added and reserved before memblock=debug took effect.
#include "core/dmesg_importer.h"

#include "core/types.h"

#include <algorithm>

namespace mmsim::dmesg {
namespace {

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

bool isAllocApi(const std::string& name) {
    return std::find(kAllocApis.begin(), kAllocApis.end(), name) != kAllocApis.end();
}

// What of each region of a dump the printed calls do not explain, as one
// range from its first to its last unexplained byte: a printed reserve
// inside an early one (smp_scan_config inside the BIOS area) does not
// split it, and reserving over it only fills holes, as memblock does.
std::vector<std::pair<u64, u64>> unexplained(const RangeSet& dumped, const RangeSet& known) {
    std::vector<std::pair<u64, u64>> out;
    for (auto [b, e] : dumped.pieces()) {
        RangeSet one;
        one.add(b, e);
        RangeSet rest = one.minus(known);
        if (!rest.empty()) out.emplace_back(rest.lo(), rest.hi());
    }
    return out;
}

} // namespace

ojson rangeStep(const char* op, u64 base, u64 size, const std::string& caller) {
    ojson s;
    s["op"] = op;
    s["base"] = hexs(base);
    s["size"] = hexs(size);
    if (!caller.empty()) s["caller"] = caller;
    return s;
}

std::size_t Importer::nextCall(std::size_t i) const {
    for (std::size_t k = i + 1; k < size(); ++k)
        if (opensCallOrDump(k)) return k;
    return npos;
}

void Importer::findHooks() {
    // memblock_set_current_limit(ISA_END_ADDRESS) before e820__memblock_setup,
    // raised to max_pfn_mapped after init_mem_mapping.
    for (std::size_t i = 0; i < size(); ++i)
        if (!names_[i].empty() && callerFnAt(i) == "e820__memblock_setup") {
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
            callerFnAt(r - 1) == "memblock_alloc_range_nid") {
            nodeDataAllocIdx_ = r - 1;
            std::size_t a = r - 1;
            while (a > 0 && names_[a - 1].empty())
                --a;
            if (a > 0 && isAllocApi(names_[a - 1])) nodeDataAllocIdx_ = a - 1;
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
                (!names_[k].empty() && !kLowLimitCallers.count(callerFnAt(k)))) {
                limitRaiseIdx_ = k;
                break;
            }
        }
    }
}

void Importer::runHooks(std::size_t i) {
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

ojson Importer::boot() {
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

void Importer::call(std::size_t i) {
    const std::string& name = names_[i];
    const std::string& m = line(i).msg;
    ++calls_;
    if (isAllocApi(name)) {
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
        r.caller = parseCaller(c);
        return r;
    });
    u64 end = endOf(rc.base, rc.size);
    std::string fn = callerFn(rc.caller);
    if (name == "memblock_add" || node) {
        ojson s = rangeStep("memblock_add", rc.base, rc.size);
        if (node) {
            if (rc.nid < -1 || rc.nid > MAX_NUMNODES) fail(i, m.find("nid="), "nid out of range");
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
void Importer::physAllocTryNid(std::size_t i, u64 base, u64 size) {
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

void Importer::alloc(std::size_t i) {
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
        r.caller = parseCaller(c);
        return r;
    });
    std::size_t j = nextCall(i);
    if (j == npos || names_[j] != "memblock_reserve" || callerFnAt(j) != "memblock_alloc_range_nid")
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

// Parses "MEMBLOCK configuration:" and its lines; returns the next index.
std::size_t Importer::dump(std::size_t i) {
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
                if (c.hex("region index") != r) throw ParseFail{at, "region index out of sequence"};
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

} // namespace mmsim::dmesg
