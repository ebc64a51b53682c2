// The 6.18 host capture (1 node, 2 CPUs, 24 GiB), run with the 6.12
// profile: its e820 lines give the zone boot lines and zoneinfo spans; given
// the kernel's own managed counts and min_free_kbytes, the watermark and
// lowmem_reserve formulas give zoneinfo's min/low/high/promo/protection.
// 6.18 differences: it does not print "Early memory node ranges" (the
// header is pr_debug there), and its zoneinfo has high_min/high_max lines.
#include "core/import_dmesg.h"
#include "core/mm_model.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "zoneinfo_parse.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace mmsim;

namespace {

std::string readFixture(const std::string& name) {
    std::ifstream in(std::string(MMSIM_FIXTURES) + "/kernel/host-6.18/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::unique_ptr<Simulation> bootHost() {
    json sc = importDmesg(readFixture("dmesg-memory.txt"), "dmesg-memory.txt");
    sc["machine"]["cpus"] = 2;
    auto sim = std::make_unique<Simulation>(loadScenario(sc.dump(), "host-6.18.json"));
    sim->runAll();
    return sim;
}

TEST(Host618, BootLines) {
    auto sim = bootHost();
    std::vector<std::string> want;
    for (const std::string& l : splitLines(readFixture("dmesg-memory.txt"))) {
        std::string t = l.substr(l.find("] ") + 2);
        if (t.rfind("BIOS-e820", 0) == 0 || t.rfind("SLUB:", 0) == 0) continue;
        want.push_back(t);
    }
    std::vector<std::string> got;
    for (const std::string& l : splitLines(viewBoot(sim->state())))
        if (l != "Early memory node ranges") got.push_back(l); // pr_debug in 6.18
    EXPECT_EQ(got, want);
}

TEST(Host618, ZoneSpans) {
    auto sim = bootHost();
    auto want = test::parseZoneinfo(readFixture("zoneinfo.txt"));
    auto got = test::parseZoneinfo(viewZoneinfo(sim->state(), 2));
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [zone, zi] : want)
        for (const char* f : {"spanned", "present", "start_pfn"})
            if (zi.fields.count(f)) {
                EXPECT_EQ(got[zone].fields[f], zi.fields.at(f)) << zone << f;
            }
}

TEST(Host618, WatermarksFromKernelManagedCounts) {
    auto sim = bootHost();
    auto want = test::parseZoneinfo(readFixture("zoneinfo.txt"));
    MmModel& mm = sim->state().mm;
    for (Zone* z : {&mm.zone(0, ZONE_DMA), &mm.zone(0, ZONE_DMA32), &mm.zone(0, ZONE_NORMAL),
                    &mm.zone(0, ZONE_MOVABLE), &mm.zone(0, ZONE_DEVICE)})
        z->managed_pages = std::stoull(want.at(std::string("Node 0 ") + z->name()).fields.at("managed"));
    mm.min_free_kbytes = std::stol(readFixture("min_free_kbytes.txt"));
    mm.sysctl.watermark_scale_factor = std::stol(readFixture("watermark_scale_factor.txt"));
    setupPerZoneWmarks(mm);
    setupPerZoneLowmemReserve(mm);
    auto got = test::parseZoneinfo(viewZoneinfo(sim->state(), 2));
    int compared = 0;
    for (const auto& [zone, zi] : want) {
        for (const char* f : {"min", "low", "high", "promo", "managed", "protection"}) {
            EXPECT_EQ(got[zone].fields[f], zi.fields.at(f)) << zone << " " << f;
            ++compared;
        }
    }
    EXPECT_EQ(compared, 30);
}

} // namespace
