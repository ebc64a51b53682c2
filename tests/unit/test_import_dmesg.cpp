// Tests of the boot log importer (core/import_dmesg): the two qemu captures,
// the partial host log, synthetic logs for the paths the captures do not
// take, and bad logs that must be rejected with file:line:col.
#include "core/import_dmesg.h"

#include "core/error.h"
#include "core/scenario.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using json = nlohmann::ordered_json;
using mmsim::importDmesg;

std::string fixture(const std::string& rel) {
    return std::string(MMSIM_FIXTURES) + "/" + rel;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string k612 = "kernel/qemu-6.12-n2-2G.log";
const std::string k61 = "kernel/qemu-6.1-n2-2G.log";

const json& imported(const std::string& rel) {
    static std::map<std::string, json> cache;
    auto it = cache.find(rel);
    if (it == cache.end()) it = cache.emplace(rel, importDmesg(slurp(fixture(rel)), rel)).first;
    return it->second;
}

// The log lines of a qemu capture (before "=====DMESG"), timestamps and
// carriage returns removed, read independently of the importer.
std::vector<std::string> logMessages(const std::string& rel) {
    std::string text = slurp(fixture(rel));
    text = text.substr(0, text.find("\n====="));
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    static const std::regex ts(R"(^.*?\[ *[0-9]+\.[0-9]+\] )");
    while (std::getline(in, l)) {
        if (!l.empty() && l.back() == '\r') l.pop_back();
        std::smatch m;
        if (std::regex_search(l, m, ts)) l = m.suffix();
        out.push_back(l);
    }
    return out;
}

std::string callName(const std::string& m) {
    static const std::regex re(R"(^(memblock_[a-z_]+): )");
    std::smatch mm;
    return std::regex_search(m, mm, re) ? mm[1].str() : "";
}

std::vector<json> opsOf(const json& boot, const std::string& op) {
    std::vector<json> out;
    for (const json& s : boot)
        if (s["op"] == op) out.push_back(s);
    return out;
}

std::size_t indexOf(const json& boot, const std::function<bool(const json&)>& pred,
                    std::size_t from = 0) {
    for (std::size_t i = from; i < boot.size(); ++i)
        if (pred(boot[i])) return i;
    return boot.size();
}

json rs(const char* op, const char* base, const char* size) {
    return json{{"op", op}, {"base", base}, {"size", size}};
}
json setNode(const char* base, const char* size, int nid, const char* type) {
    json j = rs("memblock_set_node", base, size);
    j["nid"] = nid;
    j["type"] = type;
    return j;
}

// The NUMA-related steps without their notes.
std::vector<json> numaSteps(const json& boot) {
    std::vector<json> out;
    for (json s : boot) {
        std::string op = s["op"];
        if (op == "memblock_set_node" || op == "memblock_clear_hotplug" ||
            op == "memblock_mark_hotplug" || op == "memblock_set_bottom_up") {
            s.erase("note");
            out.push_back(s);
        }
    }
    return out;
}

// ------------------------------------------------------------------ qemu 6.12

TEST(ImportDmesgQemu612, MachineFromLog) {
    const json& sc = imported(k612);
    EXPECT_EQ(sc["format"], "mmsim-scenario/1");
    EXPECT_EQ(sc["title"], "Imported: 6.12.117+deb12-amd64");
    EXPECT_EQ(sc["seed"], 1);
    const json& m = sc["machine"];
    EXPECT_EQ(m["kernel"]["version"], "6.12");
    EXPECT_EQ(m["cpus"], 2);
    EXPECT_EQ(m["cmdline"], "console=ttyS0 memblock=debug loglevel=7 panic=-1");
    ASSERT_EQ(m["e820"].size(), 9u);
    EXPECT_EQ(m["e820"][0], (json{{"addr", "0x0"}, {"size", "0x9fc00"}, {"type", "usable"}}));
    EXPECT_EQ(m["e820"][3],
              (json{{"addr", "0x100000"}, {"size", "0x7fedf000"}, {"type", "usable"}}));
    EXPECT_EQ(m["e820"][8],
              (json{{"addr", "0xfd00000000"}, {"size", "0x300000000"}, {"type", "reserved"}}));
    json nodes = json::parse(R"([
      {"id": 0, "ranges": [["0x0", "0x9ffff"], ["0x100000", "0x3fffffff"]], "cpus": [0]},
      {"id": 1, "ranges": [["0x40000000", "0x7fffffff"]], "cpus": [1]}])");
    EXPECT_EQ(m["numa"]["nodes"], nodes);
    EXPECT_FALSE(m["numa"].contains("distance"));
    std::string d = sc["description"];
    EXPECT_NE(d.find("qemu-6.12-n2-2G.log"), std::string::npos);
    EXPECT_NE(d.find("Debian 6.12.117-1~deb12u1"), std::string::npos);
    EXPECT_NE(d.find("Freeing SMP alternatives memory: 40K"), std::string::npos);
    EXPECT_NE(d.find("Freeing unused kernel image (initmem) memory: 4264K"), std::string::npos);
}

TEST(ImportDmesgQemu612, ReconstructsEarlyReservations) {
    const json& boot = imported(k612)["boot"];
    const char* expect[][2] = {{"0x0", "0x10000"},
                               {"0x9f000", "0x61000"},
                               {"0x5bc00000", "0x2c00000"},
                               {"0x7fed4000", "0xfc000"}};
    for (int i = 0; i < 4; ++i) {
        SCOPED_TRACE(i);
        json s = boot[static_cast<std::size_t>(i)];
        EXPECT_EQ(s["note"], "reserved before memblock=debug took effect");
        EXPECT_FALSE(s.contains("caller"));
        EXPECT_EQ(s["silent"], true);
        s.erase("note");
        s.erase("silent");
        EXPECT_EQ(s, rs("memblock_reserve", expect[i][0], expect[i][1]));
    }
    EXPECT_EQ(boot[4]["caller"], "smp_scan_config+0xca/0x150");
}

TEST(ImportDmesgQemu612, NumaSetNodeSteps) {
    const json& boot = imported(k612)["boot"];
    const char* all = "0xffffffffffffffff";
    std::vector<json> expect = {
        setNode("0x0", all, -1, "memory"),
        setNode("0x0", all, -1, "reserved"),
        rs("memblock_clear_hotplug", "0x0", all),
        json{{"op", "memblock_set_bottom_up"}, {"enable", false}},
        // numa_cleanup_meminfo: [0x1000 (start of DRAM), 0x40000000) node 0 after
        // merging its two SRAT ranges; node 1 trimmed to the end of DRAM.
        setNode("0x1000", "0x3ffff000", 0, "memory"),
        setNode("0x40000000", "0x3ffdf000", 1, "memory"),
        setNode("0x1000", "0x3ffff000", 0, "reserved"),
        setNode("0x40000000", "0x3ffdf000", 1, "reserved"),
        // Both nodes hold reserved memory (kernel image and initrd on node 1).
        rs("memblock_clear_hotplug", "0x1000", "0x3ffff000"),
        rs("memblock_clear_hotplug", "0x40000000", "0x3ffdf000"),
    };
    EXPECT_EQ(numaSteps(boot), expect);

    // Where: the reset before SRAT is parsed (after the ACPI table
    // reservations), the assignment right before NODE_DATA(0).
    std::size_t first = indexOf(boot, [](const json& s) { return s["op"] == "memblock_set_node"; });
    ASSERT_GT(first, 0u);
    EXPECT_EQ(boot[first - 1]["caller"], "acpi_reserve_initial_tables+0x4a/0x70");
    std::size_t nd = indexOf(
        boot, [](const json& s) { return s.value("api", "") == "memblock_phys_alloc_try_nid"; });
    EXPECT_EQ(boot[nd - 1]["op"], "memblock_clear_hotplug");
    EXPECT_EQ(nd - first, expect.size());
}

TEST(ImportDmesgQemu612, NodeDataIsPhysAllocTryNid) {
    std::vector<json> nd;
    for (const json& s : imported(k612)["boot"])
        if (s.value("api", "") == "memblock_phys_alloc_try_nid") nd.push_back(s);
    ASSERT_EQ(nd.size(), 2u);
    for (int n = 0; n < 2; ++n) {
        EXPECT_EQ(nd[n]["nid"], n);
        EXPECT_EQ(nd[n]["size"], "0x2a980");
        EXPECT_EQ(nd[n]["align"], "0x40");
        EXPECT_FALSE(nd[n].contains("caller"));
    }
    EXPECT_EQ(nd[0]["expect_base"], "0x3ffd5680");
    EXPECT_EQ(nd[1]["expect_base"], "0x7fea9680");
}

TEST(ImportDmesgQemu612, SetupArchSilentSteps) {
    const json& boot = imported(k612)["boot"];
    std::size_t add = indexOf(boot, [](const json& s) { return s["op"] == "memblock_add"; });
    EXPECT_EQ(boot[add - 1]["op"], "memblock_set_current_limit");
    EXPECT_EQ(boot[add - 1]["limit"], "0x100000");
    std::size_t dump = indexOf(boot, [](const json& s) { return s["op"] == "memblock_dump"; });
    EXPECT_EQ(boot[dump - 1]["op"], "memblock_trim_memory");
    EXPECT_EQ(boot[dump - 1]["align"], "0x1000");
    std::size_t raise = indexOf(
        boot, [](const json& s) { return s["op"] == "memblock_set_current_limit"; }, add);
    EXPECT_EQ(boot[raise]["limit"], "0x7ffdf000");
    EXPECT_EQ(boot[raise - 1]["caller"], "init_mem_mapping+0x1f5/0x3e0");
}

TEST(ImportDmesgQemu612, ZoneStepsWhereTheirLinesArePrinted) {
    const json& boot = imported(k612)["boot"];
    for (const char* op : {"free_area_init", "build_all_zonelists", "memblock_free_all"})
        EXPECT_EQ(opsOf(boot, op).size(), 1u) << op;
    std::size_t fa = indexOf(boot, [](const json& s) { return s["op"] == "free_area_init"; });
    EXPECT_EQ(boot[fa - 1]["expect_base"], "0x7ee00000"); // last sparse_init_nid allocation
    EXPECT_EQ(boot[fa + 1]["caller"], "acpi_parse_hpet+0x95/0x150");
    std::size_t zl = indexOf(boot, [](const json& s) { return s["op"] == "build_all_zonelists"; });
    EXPECT_EQ(boot[zl - 1]["expect_base"], "0x7fea8000"); // last spp_getpage
    EXPECT_EQ(boot.back()["op"], "memblock_free_all");
    EXPECT_EQ(zl + 2, boot.size());
}

// ------------------------------------------------------------------ qemu 6.1

TEST(ImportDmesgQemu61, MachineFromLog) {
    const json& sc = imported(k61);
    EXPECT_EQ(sc["title"], "Imported: 6.1.0-56-amd64");
    EXPECT_EQ(sc["machine"]["kernel"]["version"], "6.1");
    EXPECT_EQ(sc["machine"]["cpus"], 2);
    EXPECT_EQ(sc["machine"]["cmdline"], "console=ttyS0 memblock=debug loglevel=7 panic=-1");
    // CPUs from the SRAT "PXM -> APIC -> Node" lines.
    EXPECT_EQ(sc["machine"]["numa"]["nodes"][0]["cpus"], json::array({0}));
    EXPECT_EQ(sc["machine"]["numa"]["nodes"][1]["cpus"], json::array({1}));
    std::string d = sc["description"];
    EXPECT_NE(d.find("Debian 6.1.192-2"), std::string::npos);
    EXPECT_NE(d.find("Freeing unused kernel image (text/rodata gap) memory: 2040K"),
              std::string::npos);
}

TEST(ImportDmesgQemu61, ReconstructsEarlyReservations) {
    const json& boot = imported(k61)["boot"];
    const char* expect[][2] = {{"0x0", "0x10000"},
                               {"0x9f000", "0x61000"},
                               {"0x2d600000", "0x3400000"},
                               {"0x7fed4000", "0xfc000"}};
    for (int i = 0; i < 4; ++i) {
        json s = boot[static_cast<std::size_t>(i)];
        EXPECT_EQ(s["silent"], true) << i;
        s.erase("note");
        s.erase("silent");
        EXPECT_EQ(s, rs("memblock_reserve", expect[i][0], expect[i][1])) << i;
    }
}

TEST(ImportDmesgQemu61, NumaSetNodeSteps) {
    const char* all = "0xffffffffffffffff";
    std::vector<json> expect = {
        // 6.1 resets to MAX_NUMNODES and trims the SRAT blocks to [0, max_pfn).
        setNode("0x0", all, 1024, "memory"),
        setNode("0x0", all, 1024, "reserved"),
        rs("memblock_clear_hotplug", "0x0", all),
        json{{"op", "memblock_set_bottom_up"}, {"enable", false}},
        setNode("0x0", "0x40000000", 0, "memory"),
        setNode("0x40000000", "0x3ffdf000", 1, "memory"),
        setNode("0x0", "0x40000000", 0, "reserved"),
        setNode("0x40000000", "0x3ffdf000", 1, "reserved"),
        rs("memblock_clear_hotplug", "0x0", "0x40000000"),
        rs("memblock_clear_hotplug", "0x40000000", "0x3ffdf000"),
    };
    EXPECT_EQ(numaSteps(imported(k61)["boot"]), expect);
}

TEST(ImportDmesgQemu61, NodeDataIsPhysAllocTryNid) {
    std::vector<json> nd;
    for (const json& s : imported(k61)["boot"])
        if (s.value("api", "") == "memblock_phys_alloc_try_nid") nd.push_back(s);
    ASSERT_EQ(nd.size(), 2u);
    EXPECT_EQ(nd[0]["nid"], 0);
    EXPECT_EQ(nd[1]["nid"], 1);
    EXPECT_EQ(nd[0]["size"], "0x2b000"); // 6.1 rounds pg_data_t up to a page
    EXPECT_EQ(nd[0]["expect_base"], "0x3ffd5000");
    EXPECT_EQ(nd[1]["expect_base"], "0x7fea9000");
}

TEST(ImportDmesgQemu61, ZonelistsBeforeTheLastAllocations) {
    const json& boot = imported(k61)["boot"];
    std::size_t zl = indexOf(boot, [](const json& s) { return s["op"] == "build_all_zonelists"; });
    ASSERT_LT(zl, boot.size());
    EXPECT_EQ(boot[zl + 1]["caller"], "spp_getpage+0x4e/0x97");
    EXPECT_EQ(boot.back()["op"], "memblock_free_all");
}

// ------------------------------------------------------------------ both captures

class ImportDmesgQemu : public ::testing::TestWithParam<std::string> {};

TEST_P(ImportDmesgQemu, OpCountsEqualLogLineCounts) {
    const json& boot = imported(GetParam())["boot"];
    std::map<std::string, int> lines;
    int placements = 0, dumps = 0;
    for (const std::string& m : logMessages(GetParam())) {
        std::string n = callName(m);
        if (!n.empty()) ++lines[n];
        if (n == "memblock_reserve" && m.find(" memblock_alloc_range_nid+") != std::string::npos)
            ++placements;
        if (m == "MEMBLOCK configuration:") ++dumps;
    }
    int allocLines = lines["memblock_alloc_try_nid"] + lines["memblock_alloc_try_nid_raw"] +
                     lines["memblock_alloc_exact_nid_raw"] + lines["memblock_phys_alloc_range"];
    auto printed = [&](const char* op) {
        int n = 0;
        for (const json& s : opsOf(boot, op))
            if (!s.contains("note") || s.contains("caller")) ++n;
        return n;
    };
    EXPECT_EQ(printed("memblock_add"), lines["memblock_add"]);
    EXPECT_EQ(printed("memblock_phys_free"), lines["memblock_phys_free"]);
    EXPECT_EQ(printed("memblock_reserve") + placements, lines["memblock_reserve"]);
    EXPECT_EQ(static_cast<int>(opsOf(boot, "memblock_alloc").size()), placements);
    int withLine = 0;
    for (const json& s : opsOf(boot, "memblock_alloc"))
        if (s["api"] != "memblock_phys_alloc_try_nid") ++withLine;
    EXPECT_EQ(withLine, allocLines);
    EXPECT_EQ(static_cast<int>(opsOf(boot, "memblock_dump").size()), dumps);
    EXPECT_EQ(dumps, 2);
}

TEST_P(ImportDmesgQemu, CallersAreTheLoggedTextInOrder) {
    // Every printed call keeps its %pS text; the reserves that place an
    // allocation are folded into the allocation step.
    std::vector<std::string> logged, stepped;
    for (const std::string& m : logMessages(GetParam())) {
        if (callName(m).empty() || m.find(" memblock_alloc_range_nid+") != std::string::npos)
            continue;
        logged.push_back(m.substr(m.rfind(' ') + 1));
    }
    for (const json& s : imported(GetParam())["boot"])
        if (s.contains("caller")) stepped.push_back(s["caller"]);
    EXPECT_EQ(stepped, logged);
}

TEST_P(ImportDmesgQemu, ExpectBaseEqualsLoggedPlacements) {
    std::vector<std::string> logged, stepped;
    static const std::regex re(
        R"(^memblock_reserve: \[0x0*([0-9a-f]+)-.* memblock_alloc_range_nid\+)");
    for (const std::string& m : logMessages(GetParam())) {
        std::smatch mm;
        if (std::regex_search(m, mm, re)) logged.push_back("0x" + mm[1].str());
    }
    for (const json& s : opsOf(imported(GetParam())["boot"], "memblock_alloc"))
        stepped.push_back(s["expect_base"]);
    EXPECT_EQ(stepped, logged);
    EXPECT_FALSE(logged.empty());
}

TEST_P(ImportDmesgQemu, InitrdFreedAtTheRamdiskAddress) {
    std::string base, kb;
    // The last of "RAMDISK:" and "Allocated new RAMDISK:" (relocated, e.g. by mem=).
    static const std::regex ramdisk(R"(^(?:Allocated new )?RAMDISK: \[mem 0x0*([0-9a-f]+)-)");
    static const std::regex freeing(R"(^Freeing initrd memory: ([0-9]+)K$)");
    for (const std::string& m : logMessages(GetParam())) {
        std::smatch mm;
        if (std::regex_search(m, mm, ramdisk)) base = "0x" + mm[1].str();
        if (std::regex_search(m, mm, freeing)) kb = mm[1].str();
    }
    ASSERT_FALSE(base.empty());
    ASSERT_FALSE(kb.empty());
    char size[32];
    std::snprintf(size, sizeof size, "0x%llx", std::stoull(kb) * 1024);
    json steps = imported(GetParam())["steps"];
    ASSERT_EQ(steps.size(), 1u);
    steps[0].erase("note");
    EXPECT_EQ(
        steps[0],
        (json{{"op", "free_reserved_area"}, {"base", base}, {"size", size}, {"what", "initrd"}}));
}

TEST_P(ImportDmesgQemu, RoundTripsAsJson) {
    const json& sc = imported(GetParam());
    EXPECT_EQ(json::parse(sc.dump()), sc);
    EXPECT_EQ(json::parse(sc.dump(2)), sc);
    std::vector<std::string> keys;
    for (auto& [k, v] : sc.items())
        keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"format", "title", "description", "seed", "machine",
                                              "boot", "steps"}));
}

TEST_P(ImportDmesgQemu, TimestampsAreOptional) {
    std::string text = slurp(fixture(GetParam()));
    std::string stripped = std::regex_replace(text, std::regex(R"(\[ *[0-9]+\.[0-9]+\] )"), "");
    ASSERT_NE(stripped, text);
    EXPECT_EQ(importDmesg(stripped, "same.log"), importDmesg(text, "same.log"));
}

INSTANTIATE_TEST_SUITE_P(ImportDmesgCaptures, ImportDmesgQemu,
                         ::testing::Values(k612, k61, "kernel/qemu-6.12-n4-asym-4G.log",
                                           "kernel/qemu-6.12-n1-448M.log",
                                           "kernel/qemu-6.1-n1-3G-kernelcore.log",
                                           "kernel/qemu-6.1-n2-2G-mem.log"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                             std::string n = i.param.substr(i.param.find("qemu-") + 5);
                             n = n.substr(0, n.find(".log"));
                             for (char& c : n)
                                 if (c == '-' || c == '.') c = '_';
                             return n;
                         });

class ImportDmesgQemuN2 : public ::testing::TestWithParam<std::string> {};

TEST_P(ImportDmesgQemuN2, AllocationFieldsFromTheLine) {
    const json& boot = imported(GetParam())["boot"];
    json real = opsOf(boot, "memblock_alloc")[0];
    EXPECT_EQ(real["api"], "memblock_phys_alloc_range");
    EXPECT_EQ(real["size"], "0x7000"); // 28672 bytes
    EXPECT_EQ(real["align"], "0x1000");
    EXPECT_EQ(real["min_addr"], "0x0");
    EXPECT_EQ(real["max_addr"], "0x100000");
    EXPECT_FALSE(real.contains("nid"));
    EXPECT_EQ(real["expect_base"], "0x98000");
    int exact = 0;
    for (const json& s : opsOf(boot, "memblock_alloc"))
        if (s["api"] == "memblock_alloc_exact_nid_raw") {
            EXPECT_EQ(s["exact_nid"], true);
            EXPECT_EQ(s["size"], "0x1000000");
            EXPECT_EQ(s["min_addr"], "0x1000000");
            EXPECT_EQ(s["nid"], exact++);
        } else if (s.contains("exact_nid")) {
            EXPECT_EQ(s["exact_nid"], false);
        }
    EXPECT_EQ(exact, 2);
}

INSTANTIATE_TEST_SUITE_P(ImportDmesgTwoNodes, ImportDmesgQemuN2, ::testing::Values(k612, k61));

TEST_P(ImportDmesgQemu, LoadsAsAScenario) {
    const json& sc = imported(GetParam());
    mmsim::Scenario loaded = mmsim::loadScenario(sc.dump(2), "imported.json");
    EXPECT_FALSE(loaded.boot_auto);
    EXPECT_EQ(loaded.boot.size(), sc["boot"].size());
    EXPECT_EQ(loaded.machine.cpus, sc["machine"]["cpus"].get<int>());
}

// ------------------------------------------------------------------ qemu 6.12, 4 nodes

TEST(ImportDmesgQemu612N4, MemorylessNodeAndInferredDistances) {
    const json& sc = imported("kernel/qemu-6.12-n4-asym-4G.log");
    const json& numa = sc["machine"]["numa"];
    ASSERT_EQ(numa["nodes"].size(), 4u);
    // Node 3 has CPU 3 and no memory: known from the bring-up and
    // "Initmem setup node 3 as memoryless" lines only.
    EXPECT_EQ(numa["nodes"][3], (json{{"id", 3}, {"cpus", json::array({3})}}));
    EXPECT_EQ(numa["nodes"][2]["ranges"], json::parse(R"([["0x100000000", "0x17fffffff"]])"));
    // The SLIT is not printed; these reproduce the printed fallback orders
    // 0: 0 1 2, 1: 1 2 0, 2: 2 1 0, 3: 2 0 1.
    EXPECT_EQ(
        numa["distance"],
        json::parse("[[10, 20, 30, 60], [30, 10, 20, 60], [30, 20, 10, 60], [30, 40, 20, 10]]"));
    EXPECT_NE(sc["description"].get<std::string>().find("does not print the SLIT"),
              std::string::npos);
    // 6.12 keeps node 1's block up to its SRAT end (below the end of DRAM);
    // node 2 holds the distance table allocated while SRAT was parsed.
    std::vector<json> expect = {
        setNode("0x1000", "0x3ffff000", 0, "memory"),
        setNode("0x40000000", "0x40000000", 1, "memory"),
        setNode("0x100000000", "0x80000000", 2, "memory"),
        setNode("0x1000", "0x3ffff000", 0, "reserved"),
        setNode("0x40000000", "0x40000000", 1, "reserved"),
        setNode("0x100000000", "0x80000000", 2, "reserved"),
        rs("memblock_clear_hotplug", "0x1000", "0x3ffff000"),
        rs("memblock_clear_hotplug", "0x40000000", "0x40000000"),
        rs("memblock_clear_hotplug", "0x100000000", "0x80000000"),
    };
    std::vector<json> got = numaSteps(sc["boot"]);
    ASSERT_EQ(got.size(), 4u + expect.size());
    EXPECT_EQ(std::vector<json>(got.begin() + 4, got.end()), expect);
}

TEST(ImportDmesgQemu612N4, DefaultDistancesAreOmitted) {
    EXPECT_FALSE(imported(k612)["machine"]["numa"].contains("distance"));
    EXPECT_FALSE(imported(k61)["machine"]["numa"].contains("distance"));
}

// ------------------------------------------------------------------ host 6.18 (partial)

TEST(ImportDmesgHost, PartialLogImportsAsAutoBoot) {
    const json& sc = imported("kernel/host-6.18/dmesg-memory.txt");
    EXPECT_EQ(sc["boot"], "auto");
    EXPECT_EQ(sc["steps"], json::array());
    const json& m = sc["machine"];
    EXPECT_FALSE(m.contains("numa")); // one node
    EXPECT_EQ(m["kernel"]["version"], "6.12");
    EXPECT_EQ(m["cmdline"], "");
    EXPECT_EQ(m["cpus"], 2); // "SLUB: ... CPUs=2"
    json e820 = json::parse(R"([
      {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
      {"addr": "0x9fc00", "size": "0x60400", "type": "reserved"},
      {"addr": "0x100000", "size": "0xbff00000", "type": "usable"},
      {"addr": "0xeec00000", "size": "0x10000000", "type": "reserved"},
      {"addr": "0x100000000", "size": "0x540000000", "type": "usable"}])");
    EXPECT_EQ(m["e820"], e820);
    EXPECT_NE(sc["description"].get<std::string>().find("no \"Linux version\" line"),
              std::string::npos);
}

// ------------------------------------------------------------------ synthetic logs

TEST(ImportDmesgSynthetic, DummyNumaNoTimestamps61) {
    const json& sc = imported("dmesg/synthetic-dummy-numa.log");
    const json& m = sc["machine"];
    EXPECT_EQ(m["kernel"]["version"], "6.1");
    EXPECT_EQ(m["cmdline"], "memblock=debug movable_node"); // trailing spaces trimmed
    EXPECT_EQ(m["cpus"], 4);                                // "Allowing 4 CPUs"
    EXPECT_FALSE(m.contains("numa"));
    std::vector<json> types;
    for (const json& e : m["e820"])
        types.push_back(e["type"]);
    EXPECT_EQ(types,
              (std::vector<json>{"usable", "reserved", "usable", "ACPI data", 12, "persistent",
                                 "soft reserved", 20, "ACPI NVS", "unusable"}));
    const json& boot = sc["boot"];
    // The kernel image [0x1000000, 0x2000000) minus the printed brk reserve.
    EXPECT_EQ(boot[1]["base"], "0x1000000");
    EXPECT_EQ(boot[1]["size"], "0x1000000");
    // movable_node: bottom-up from parse_early_param until SRAT is parsed.
    EXPECT_EQ(
        boot[2],
        (json{{"op", "memblock_set_bottom_up"}, {"enable", true}, {"note", boot[2]["note"]}}));
    // dummy_numa_init: one node over [0, max_pfn) (6.1 keeps 0 as the low end).
    const char* all = "0xffffffffffffffff";
    std::vector<json> expect = {
        json{{"op", "memblock_set_bottom_up"}, {"enable", true}},
        setNode("0x0", all, 1024, "memory"),
        setNode("0x0", all, 1024, "reserved"),
        rs("memblock_clear_hotplug", "0x0", all),
        json{{"op", "memblock_set_bottom_up"}, {"enable", false}},
        setNode("0x0", "0x3ffe0000", 0, "memory"),
        setNode("0x0", "0x3ffe0000", 0, "reserved"),
        rs("memblock_clear_hotplug", "0x0", "0x3ffe0000"),
    };
    EXPECT_EQ(numaSteps(boot), expect);
    std::size_t nd = indexOf(
        boot, [](const json& s) { return s.value("api", "") == "memblock_phys_alloc_try_nid"; });
    EXPECT_EQ(boot[nd]["nid"], 0);
    // The soft reserved reserve comes from e820__memblock_setup: the low
    // limit starts there.
    EXPECT_EQ(boot[4]["op"], "memblock_set_current_limit");
    EXPECT_EQ(boot[5]["caller"], "e820__memblock_setup+0x65/0x7d");
    EXPECT_EQ(boot[boot.size() - 2]["op"], "build_all_zonelists");
    EXPECT_EQ(boot.back()["op"], "memblock_free_all");
}

TEST(ImportDmesgSynthetic, HotplugSratAndMemmap612) {
    const json& sc = imported("dmesg/synthetic-hotplug.log");
    const json& m = sc["machine"];
    EXPECT_EQ(m["cmdline"], "memmap=64M$0x10000000 memblock=debug");
    ASSERT_EQ(m["e820"].size(), 4u); // the BIOS map, not the user-defined one
    EXPECT_EQ(m["e820"][2]["size"], "0xbff00000");
    json nodes = json::parse(R"([
      {"id": 0, "ranges": [["0x0", "0x9ffff"], ["0x100000", "0x7fffffff"]], "cpus": [0, 1]},
      {"id": 1, "ranges": [["0x80000000", "0xbfffffff"], ["0x100000000", "0x13fffffff"]], "cpus": [2, 3]},
      {"id": 2, "ranges": [["0x200000000", "0x2ffffffff"]], "cpus": []}])");
    EXPECT_EQ(m["numa"]["nodes"], nodes);

    const char* all = "0xffffffffffffffff";
    std::vector<json> expect = {
        setNode("0x0", all, -1, "memory"),
        setNode("0x0", all, -1, "reserved"),
        rs("memblock_clear_hotplug", "0x0", all),
        rs("memblock_mark_hotplug", "0x100000000", "0x40000000"),
        rs("memblock_mark_hotplug", "0x200000000", "0x100000000"),
        json{{"op", "memblock_set_bottom_up"}, {"enable", false}},
        // Node 2 has no memory and is dropped; node 1's two ranges merge
        // across the PCI hole; the blocks end at the end of DRAM.
        setNode("0x1000", "0x7ffff000", 0, "memory"),
        setNode("0x80000000", "0xc0000000", 1, "memory"),
        setNode("0x1000", "0x7ffff000", 0, "reserved"),
        setNode("0x80000000", "0xc0000000", 1, "reserved"),
        // Only node 0 holds kernel memory: node 1 stays hot-pluggable.
        rs("memblock_clear_hotplug", "0x1000", "0x7ffff000"),
    };
    EXPECT_EQ(numaSteps(sc["boot"]), expect);

    json add = opsOf(sc["boot"], "memblock_add").back();
    EXPECT_EQ(add["nid"], 2);
    EXPECT_EQ(add["flags"], json::array({"HOTPLUG", "DRIVER_MANAGED"}));
    EXPECT_EQ(opsOf(sc["boot"], "memblock_remove").size(), 1u);
    // No "Zone ranges:" nor "Memory:": the hand-over steps close the boot in order.
    const json& boot = sc["boot"];
    std::size_t n = boot.size();
    EXPECT_EQ(boot[n - 3]["op"], "free_area_init");
    EXPECT_EQ(boot[n - 2]["op"], "build_all_zonelists");
    EXPECT_EQ(boot[n - 1]["op"], "memblock_free_all");
    // "Freeing initrd memory" without a RAMDISK line has no address.
    EXPECT_EQ(sc["steps"], json::array());
    EXPECT_NE(sc["description"].get<std::string>().find("Freeing initrd memory: 4K"),
              std::string::npos);
}

std::string tinyLog(const std::string& version, const std::string& extra = {}) {
    return "[    0.000000] Linux version " + version +
           " (me@host) #1 SMP\n"
           "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
           "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n" +
           extra;
}

TEST(ImportDmesgSynthetic, KernelVersionMapping) {
    struct Case {
        const char* release;
        const char* profile;
        const char* note;
    };
    for (const Case& c :
         {Case{"5.10.0-20-amd64", "6.1", "older than 6.1"}, Case{"6.1.0-56-amd64", "6.1", nullptr},
          Case{"6.5.3", "6.1", "nearer 6.1"}, Case{"6.9.1", "6.12", "nearer 6.12"},
          Case{"6.12.117+deb12-amd64", "6.12", nullptr},
          Case{"6.18.0-rc1", "6.12", "newer than 6.12"}}) {
        SCOPED_TRACE(c.release);
        json sc = importDmesg(tinyLog(c.release), "v.log");
        EXPECT_EQ(sc["machine"]["kernel"]["version"], c.profile);
        EXPECT_EQ(sc["title"], std::string("Imported: ") + c.release);
        std::string d = sc["description"];
        EXPECT_NE(d.find(c.release), std::string::npos);
        if (c.note) {
            EXPECT_NE(d.find(c.note), std::string::npos);
        }
        EXPECT_EQ(sc["boot"], "auto");
    }
}

TEST(ImportDmesgSynthetic, CpuSources) {
    auto cpus = [](const std::string& extra) {
        return importDmesg(tinyLog("6.12.1", extra), "c.log")["machine"]["cpus"].get<int>();
    };
    EXPECT_EQ(cpus(""), 1);
    EXPECT_EQ(cpus("[    0.1] smp: Brought up 1 node, 1 CPU\n"), 1);
    EXPECT_EQ(cpus("[    0.1] setup_percpu: NR_CPUS:8192 nr_cpumask_bits:8 nr_cpu_ids:8 "
                   "nr_node_ids:1\n"),
              8);
    EXPECT_EQ(cpus("[    0.1] CPU topo: Allowing 6 present CPUs plus 0 hotplug CPUs\n"
                   "[    0.2] smp: Brought up 1 node, 4 CPUs\n"),
              4);
    // SRAT nodes without CPU placement: round robin over the nodes.
    json sc = importDmesg(tinyLog("6.12.1",
                                  "[    0.1] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fffffff]\n"
                                  "[    0.1] ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]\n"
                                  "[    0.2] smp: Brought up 2 nodes, 4 CPUs\n"),
                          "c.log");
    EXPECT_EQ(sc["machine"]["numa"]["nodes"][0]["cpus"], json::array({0, 2}));
    EXPECT_EQ(sc["machine"]["numa"]["nodes"][1]["cpus"], json::array({1, 3}));
}

TEST(ImportDmesgSynthetic, AutoBootKeepsTheInitrd) {
    json sc = importDmesg(tinyLog("6.12.1", "[    0.1] RAMDISK: [mem 0x7fe00000-0x7fefffff]\n"
                                            "[    1.0] Freeing initrd memory: 1024K\n"),
                          "i.log");
    EXPECT_EQ(sc["machine"]["initrd"], (json{{"addr", "0x7fe00000"}, {"size", "0x100000"}}));
    ASSERT_EQ(sc["steps"].size(), 1u);
    EXPECT_EQ(sc["steps"][0]["base"], "0x7fe00000");
    EXPECT_EQ(sc["steps"][0]["size"], "0x100000");
}

TEST(ImportDmesgSynthetic, ImportDmesgFileNamesTheFile) {
    json sc = mmsim::importDmesgFile(fixture("dmesg/synthetic-dummy-numa.log"));
    EXPECT_NE(sc["description"].get<std::string>().find("synthetic-dummy-numa.log"),
              std::string::npos);
    EXPECT_THROW(mmsim::importDmesgFile(fixture("dmesg/no-such-file.log")), mmsim::InputError);
}

// ------------------------------------------------------------------ bad logs

struct BadLog {
    const char* file;
    int line;
    int col;
    const char* says;
};

class ImportDmesgBad : public ::testing::TestWithParam<BadLog> {};

TEST_P(ImportDmesgBad, RejectedAtTheCulpritLine) {
    const BadLog& b = GetParam();
    std::string path = fixture(std::string("dmesg/") + b.file);
    try {
        importDmesg(slurp(path), path);
        FAIL() << b.file << " was accepted";
    } catch (const mmsim::InputError& e) {
        std::string where =
            path + ":" + std::to_string(b.line) + ":" + std::to_string(b.col) + ": error: ";
        EXPECT_EQ(std::string(e.what()).substr(0, where.size()), where) << e.what();
        EXPECT_NE(std::string(e.what()).find(b.says), std::string::npos) << e.what();
        EXPECT_EQ(e.loc().line, b.line);
        EXPECT_EQ(e.pointer(), "");
    }
}

INSTANTIATE_TEST_SUITE_P(
    ImportDmesgLogs, ImportDmesgBad,
    ::testing::Values(
        BadLog{"bad-not-a-boot-log.log", 1, 1, "not a boot log"},
        BadLog{"bad-e820-missing-bracket.log", 4, 69, "expected \"]\""},
        BadLog{"bad-e820-type.log", 5, 71, "unknown e820 type \"bogus\""},
        BadLog{"bad-e820-reversed.log", 5, 51, "range ends before it starts"},
        BadLog{"bad-e820-number.log", 4, 32, "malformed number"},
        BadLog{"bad-version.log", 1, 30, "major version"},
        BadLog{"bad-alloc-truncated.log", 16, 16, "truncated log"},
        BadLog{"bad-alloc-no-reserve.log", 16, 16, "truncated log"},
        BadLog{"bad-alloc-size-mismatch.log", 17, 34, "does not match the allocation"},
        BadLog{"bad-alloc-bytes.log", 16, 40, "malformed number (size)"},
        BadLog{"bad-nid.log", 16, 68, "nid out of range"},
        BadLog{"bad-dump-truncated.log", 15, 16, "MEMBLOCK dump cut short"},
        BadLog{"bad-dump-eof.log", 13, 16, "reserved.cnt = 0x2 but only 1 region lines"},
        BadLog{"bad-dump-count.log", 10, 33, "region count"},
        BadLog{"bad-dump-mismatch.log", 17, 16, "does not match the memblock calls"},
        BadLog{"bad-memblock-range.log", 6, 53, "expected \"-\""},
        BadLog{"bad-memblock-unknown.log", 8, 16, "memblock_frobnicate"},
        BadLog{"bad-numa-merge.log", 19, 16, "NUMA merge lines"},
        BadLog{"bad-srat.log", 6, 68, "after the SRAT range"},
        BadLog{"bad-initrd.log", 7, 41, "expected \"K\""}),
    [](const ::testing::TestParamInfo<BadLog>& i) {
        std::string n = i.param.file;
        n = n.substr(0, n.find('.'));
        for (char& c : n)
            if (c == '-') c = '_';
        return n;
    });

// ------------------------------------------------------------------ extraction helpers

TEST(ImportDmesgExtract, BootLines612) {
    std::vector<std::string> expect = {
        "Zone ranges:",
        "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
        "  DMA32    [mem 0x0000000001000000-0x000000007ffdefff]",
        "  Normal   empty",
        "  Device   empty",
        "Movable zone start for each node",
        "Early memory node ranges",
        "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
        "  node   0: [mem 0x0000000000100000-0x000000003fffffff]",
        "  node   1: [mem 0x0000000040000000-0x000000007ffdefff]",
        "Initmem setup node 0 [mem 0x0000000000001000-0x000000003fffffff]",
        "Initmem setup node 1 [mem 0x0000000040000000-0x000000007ffdefff]",
        "On node 0, zone DMA: 1 pages in unavailable ranges",
        "On node 0, zone DMA: 97 pages in unavailable ranges",
        "On node 1, zone DMA32: 33 pages in unavailable ranges",
        "Fallback order for Node 0: 0 1 ",
        "Fallback order for Node 1: 1 0 ",
        "Built 2 zonelists, mobility grouping on.  Total pages: 524157",
        "Policy zone: DMA32",
    };
    EXPECT_EQ(mmsim::extractBootLines(slurp(fixture(k612))), expect);
    std::vector<std::string> l61 = mmsim::extractBootLines(slurp(fixture(k61)));
    ASSERT_EQ(l61.size(), expect.size());
    EXPECT_EQ(std::vector<std::string>(l61.begin(), l61.end() - 3),
              std::vector<std::string>(expect.begin(), expect.end() - 3));
    EXPECT_EQ(l61.back(), "Policy zone: DMA32");
    EXPECT_EQ(l61[l61.size() - 2], "Built 2 zonelists, mobility grouping on.  Total pages: 515807");
}

TEST(ImportDmesgExtract, BootLinesPartialHostLog) {
    std::vector<std::string> l =
        mmsim::extractBootLines(slurp(fixture("kernel/host-6.18/dmesg-memory.txt")));
    ASSERT_EQ(l.size(), 15u); // this log was cut without "Early memory node ranges"
    EXPECT_EQ(l.front(), "Zone ranges:");
    EXPECT_EQ(l[11], "On node 0, zone DMA: 97 pages in unavailable ranges");
    EXPECT_EQ(l[12], "Fallback order for Node 0: 0 ");
    EXPECT_EQ(l.back(), "Policy zone: Normal");
}

TEST(ImportDmesgExtract, MemblockLinesByteExact) {
    std::string text = slurp(fixture(k612));
    std::vector<std::string> l = mmsim::extractMemblockLines(text);
    ASSERT_EQ(l.size(), 123u + 10u + 14u); // calls + the two dumps
    EXPECT_EQ(l.front(), "memblock_reserve: [0x00000000000f5ba0-0x00000000000f5baf] "
                         "smp_scan_config+0xca/0x150");
    EXPECT_EQ(l[5], "MEMBLOCK configuration:");
    EXPECT_EQ(l[8], " memory[0x0]\t[0x0000000000001000-0x000000000009efff], "
                    "0x000000000009e000 bytes flags: 0x0");
    EXPECT_EQ(l.back(), "memblock_reserve: [0x000000007fea8000-0x000000007fea8fff] "
                        "memblock_alloc_range_nid+0xbd/0x180");
    for (const std::string& s : l) {
        EXPECT_EQ(s.find('\r'), std::string::npos);
        EXPECT_NE(text.find("] " + s + "\r\n"), std::string::npos) << s;
    }
}

TEST(ImportDmesgExtract, ProcSections) {
    auto s = mmsim::extractProcSections(slurp(fixture(k612)));
    for (const char* k : {"DMESG", "buddyinfo", "pagetypeinfo", "zoneinfo", "slabinfo", "iomem",
                          "min_free_kbytes", "extfrag_unusable", "extfrag_index"})
        EXPECT_TRUE(s.count(k)) << k;
    EXPECT_FALSE(s.count("END"));
    EXPECT_EQ(s["min_free_kbytes"], "67584\n");
    EXPECT_EQ(s["buddyinfo"],
              "Node 0, zone      DMA      0      0      0      0      0      0      1      1      "
              "0      1      3 \n"
              "Node 0, zone    DMA32     16     20     16      9      8      4      2      2      "
              "2      1    239 \n"
              "Node 1, zone    DMA32      1      2      2      3      1      1      1      3      "
              "1      1    235 \n");
    EXPECT_EQ(s["zoneinfo"].find('\r'), std::string::npos);
    // The DMESG section is the same boot log again.
    EXPECT_EQ(mmsim::extractBootLines(s["DMESG"]), mmsim::extractBootLines(slurp(fixture(k612))));
}

} // namespace

// Found by fuzz_dmesg: a byte that is not UTF-8 in the command line made
// the produced JSON undumpable. It now becomes U+FFFD and the scenario loads.
TEST(ImportDmesgRobust, NonUtf8BytesInTheLog) {
    std::string log = slurp(fixture("kernel/qemu-6.12-n1-448M.log"));
    const std::string key = "Command line: console=ttyS0";
    log.insert(log.find(key) + key.size(), " \xff\xfe");
    const json sc = mmsim::importDmesg(log, "utf8.log");
    const std::string text = sc.dump();
    EXPECT_NE(sc["machine"]["cmdline"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
    EXPECT_NO_THROW((void)mmsim::loadScenario(text, "utf8.json"));
}
