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
//
// The importer is split by job: dmesg_log.cpp reads the lines, dmesg_cursor.cpp
// and dmesg_ranges.cpp parse numbers and follow ranges, dmesg_facts.cpp reads
// the facts above, dmesg_replay.cpp builds the boot array, dmesg_numa.cpp puts
// back the NUMA set-up and dmesg_extract.cpp picks lines out for the tests;
// this file assembles the scenario (see dmesg_importer.h).
#include "core/import_dmesg.h"
#include "core/dmesg_importer.h"
#include "core/scenario.h"

#include "core/error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace mmsim {
namespace dmesg {

Importer::Importer(const std::string& text, std::string file) : file_(std::move(file)) {
    log_ = splitLog(text);
    L_ = &log_.lines;
    names_.resize(L_->size());
    for (std::size_t i = 0; i < L_->size(); ++i)
        names_[i] = callName((*L_)[i].msg);
}

ojson Importer::run() {
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

ojson Importer::machine() {
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
    m["kernel"] = {{"version", profileName()}};
    return m;
}

ojson Importer::numa() {
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

ojson Importer::steps() {
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

std::string Importer::description() const {
    std::ostringstream d;
    d << "Imported from `" << file_ << "` by `mmsim-cli import-dmesg`.\n\n";
    if (!versionLine_.empty()) {
        d << "Kernel: " << release_;
        if (!debianVersion_.empty()) d << " (Debian " << debianVersion_ << ")";
        d << ", simulated with the " << profileName() << " profile";
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

} // namespace dmesg

nlohmann::ordered_json importDmesg(const std::string& text, const std::string& filename) {
    nlohmann::ordered_json out = dmesg::Importer(text, filename).run();
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

} // namespace mmsim
