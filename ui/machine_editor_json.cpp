#include "ui/machine_editor_json.h"

#include <algorithm>
#include <array>

namespace mmsim::ui {

using ojson = nlohmann::ordered_json;

namespace {

constexpr std::array<const char*, 5> kManaged = {"cpus", "e820", "numa", "cmdline", "kernel"};

bool managed(const std::string& key) {
    for (const char* k : kManaged)
        if (key == k) return true;
    return false;
}

std::uint64_t ramInRanges(const std::vector<ByteRange>& ranges,
                          const std::vector<E820EntrySpec>& e820) {
    constexpr std::uint64_t mib = 1ull << 20;
    std::uint64_t ram = 0;
    for (const ByteRange& r : ranges)
        for (const E820EntrySpec& e : e820) {
            if (e.type != 1) continue;
            const std::uint64_t end = e.size > ~0ull - e.addr ? ~0ull : e.addr + e.size;
            const std::uint64_t lo = std::max(r.first, e.addr), hi = std::min(r.second, end);
            if (lo < hi) ram += hi - lo;
        }
    return (ram + mib - 1) / mib * mib;
}

// Node sizes, CPU counts and the custom flags of a loaded machine.
void nodesFromSpec(const MachineSpec& m, MachineDraft& d) {
    d.nodes.clear();
    if (m.nodes.empty()) {
        // No SRAT: the kernel makes one node of everything.
        DraftNode n;
        n.id = 0;
        n.memory = ramOfE820(m.e820);
        n.memory_text = sizeText(*n.memory);
        n.cpus = m.cpus;
        d.nodes.push_back(n);
        d.srat = false;
        d.custom_ranges = false;
        d.custom_cpus = false;
        d.relayout();
        return;
    }
    d.srat = true;
    std::vector<std::uint64_t> sizes;
    std::vector<int> cpus_in_order;
    for (const NumaNodeSpec& s : m.nodes) {
        DraftNode n;
        n.id = s.id;
        n.ranges = s.ranges;
        n.memory = nodeSizeOfRanges(s.ranges);
        n.memory_text = sizeText(*n.memory);
        n.cpus = static_cast<int>(s.cpus.size());
        n.cpu_ids = s.cpus;
        sizes.push_back(*n.memory);
        cpus_in_order.insert(cpus_in_order.end(), s.cpus.begin(), s.cpus.end());
        d.nodes.push_back(n);
    }
    const auto layout = qemuNodeRanges(sizes);
    d.custom_ranges = false;
    for (std::size_t i = 0; i < d.nodes.size(); ++i)
        if (layout[i] != d.nodes[i].ranges) d.custom_ranges = true;
    // Ranges of the scenario's own may span holes (a node across the PCI
    // hole): their memory is the usable RAM they hold, to the MiB, so that
    // editing a size lays out a machine with as much RAM as this one.
    if (d.custom_ranges)
        for (DraftNode& n : d.nodes) {
            n.memory = ramInRanges(n.ranges, m.e820);
            n.memory_text = sizeText(*n.memory);
        }
    d.custom_cpus = static_cast<int>(cpus_in_order.size()) != m.cpus;
    for (std::size_t i = 0; i < cpus_in_order.size(); ++i)
        if (cpus_in_order[i] != static_cast<int>(i)) d.custom_cpus = true;
    d.total_cpus = m.cpus;
}

ojson rangeJson(const ByteRange& r) {
    return ojson::array({hexText(r.first), hexText(r.second - 1)});
}

} // namespace

MachineDraft draftFromScenario(const std::string& text, const std::string& filename,
                               DraftSource* source) {
    const Scenario sc = loadScenario(text, filename);
    const MachineSpec& m = sc.machine;
    MachineDraft d;
    d.title = sc.title;
    d.description = sc.description;
    nodesFromSpec(m, d);
    const std::size_t n = d.nodes.size();
    if (m.distance.size() == n) {
        d.distance = m.distance;
    } else {
        d.distance.assign(n, std::vector<int>(n, 20));
        for (std::size_t i = 0; i < n; ++i)
            d.distance[i][i] = 10;
    }
    d.e820 = m.e820;
    d.cmdline = m.cmdline;
    d.version = m.profile.name();
    d.slab = m.slab;
    if (source) {
        source->path = filename;
        source->document = sc.document;
        const ojson* orig = sc.document.contains("machine") ? &sc.document["machine"] : nullptr;
        source->loaded_machine = machineJson(d, orig);
        source->steps = sc.steps.size() + sc.boot.size();
        source->explicit_boot = !sc.boot_auto;
    }
    return d;
}

ojson machineJson(const MachineDraft& d, const ojson* original_machine) {
    ojson m = ojson::object();
    m["cpus"] = d.total_cpus;
    ojson e820 = ojson::array();
    for (const E820EntrySpec& e : d.e820) {
        ojson t = e820TypeKey(e.type);
        if (std::to_string(e.type) == t.get<std::string>()) t = e.type; // a type number
        e820.push_back({{"addr", hexText(e.addr)}, {"size", hexText(e.size)}, {"type", t}});
    }
    m["e820"] = e820;
    if (d.srat || d.nodes.size() > 1) {
        ojson nodes = ojson::array();
        for (const DraftNode& n : d.nodes) {
            ojson node = {{"id", n.id}};
            if (!n.ranges.empty()) {
                ojson ranges = ojson::array();
                for (const ByteRange& r : n.ranges)
                    ranges.push_back(rangeJson(r));
                node["ranges"] = ranges;
            }
            if (!n.cpu_ids.empty()) node["cpus"] = n.cpu_ids;
            nodes.push_back(node);
        }
        m["numa"] = {{"nodes", nodes}, {"distance", d.distance}};
    }
    m["cmdline"] = d.cmdline;
    ojson kernel = ojson::object();
    if (original_machine && original_machine->contains("kernel") &&
        (*original_machine)["kernel"].is_object())
        kernel = (*original_machine)["kernel"];
    kernel["version"] = d.version;
    kernel["slab"] = d.slab;
    m["kernel"] = kernel;
    return m;
}

ojson scenarioJson(const MachineDraft& d, const DraftSource* source, bool keep_steps) {
    if (!source || source->isNew()) {
        ojson doc = ojson::object();
        doc["format"] = "mmsim-scenario/1";
        doc["title"] = d.title;
        doc["description"] = d.description;
        doc["seed"] = 1;
        doc["machine"] = machineJson(d);
        doc["boot"] = "auto";
        doc["steps"] = ojson::array();
        return doc;
    }
    ojson doc = source->document;
    if (doc.contains("title") || !d.title.empty()) doc["title"] = d.title;
    if (doc.contains("description") || !d.description.empty()) doc["description"] = d.description;

    const ojson& orig = doc["machine"];
    const ojson canon = machineJson(d, &orig);
    const ojson& loaded = source->loaded_machine;
    auto unchanged = [&](const std::string& key) {
        if (canon.contains(key) != loaded.contains(key)) return false;
        return !canon.contains(key) || canon[key] == loaded[key];
    };
    ojson m = ojson::object();
    for (const auto& [key, value] : orig.items()) {
        if (!managed(key) || unchanged(key))
            m[key] = value;
        else if (canon.contains(key))
            m[key] = canon[key];
    }
    for (const auto& [key, value] : canon.items())
        if (!orig.contains(key) && !unchanged(key)) m[key] = value;
    doc["machine"] = m;
    if (!keep_steps) {
        doc["boot"] = "auto";
        doc["steps"] = ojson::array();
    }
    return doc;
}

std::string scenarioText(const ojson& doc) {
    return doc.dump(2) + "\n";
}

} // namespace mmsim::ui
