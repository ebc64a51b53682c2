// Fidelity: replaying real boots. A qemu capture's log is imported, the
// scenario is run, and what the simulated kernel prints is compared with
// what the real kernel printed: e820, every memblock=debug line and
// MEMBLOCK dump, the zone and zonelist boot lines, and /proc/zoneinfo.
#include "core/import_dmesg.h"
#include "core/report.h"
#include "core/scenario.h"
#include "core/simulation.h"
#include "core/strfmt.h"
#include "zoneinfo_parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

using namespace mmsim;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    // The captures are serial-console text: CR LF line ends.
    std::string text = ss.str();
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

bool isMemblockLine(const std::string& l) {
    return l.rfind("memblock_", 0) == 0 || l.rfind("memblock:", 0) == 0 ||
           l == "MEMBLOCK configuration:" || l.rfind(" memory", 0) == 0 ||
           l.rfind(" reserved", 0) == 0;
}

struct Capture {
    const char* file;
};

class QemuCapture : public ::testing::TestWithParam<Capture> {
protected:
    void SetUp() override {
        path_ = std::string(MMSIM_FIXTURES) + "/kernel/" + GetParam().file;
        log_ = readFile(path_);
        json sc = importDmesg(log_, path_);
        sim_ = std::make_unique<Simulation>(loadScenario(sc.dump(2), "imported.json"));
        sim_->runAll();
    }
    std::string path_, log_;
    std::unique_ptr<Simulation> sim_;
};

TEST_P(QemuCapture, BiosE820LinesIdentical) {
    std::vector<std::string> want;
    for (const std::string& l : splitLines(log_.substr(0, log_.find("====="))))
        if (auto p = l.find("BIOS-e820:"); p != std::string::npos) want.push_back(l.substr(p));
    std::vector<std::string> got;
    for (const std::string& l : splitLines(viewE820(sim_->state())))
        if (l.rfind("BIOS-e820:", 0) == 0) got.push_back(l);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(got, want);
}

TEST_P(QemuCapture, EveryMemblockLineIdentical) {
    const std::vector<std::string> want = extractMemblockLines(log_);
    std::vector<std::string> got;
    for (const std::string& l : sim_->kernelLog())
        if (isMemblockLine(l)) got.push_back(l);
    ASSERT_GT(want.size(), 100u);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "line " << i;
}

TEST_P(QemuCapture, NoPlacementDiffers) { EXPECT_TRUE(sim_->failedExpects().empty()); }

TEST_P(QemuCapture, BootLinesIdentical) {
    const std::vector<std::string> want = extractBootLines(log_);
    ASSERT_GT(want.size(), 10u);
    EXPECT_EQ(splitLines(viewBoot(sim_->state())), want);
}

TEST_P(QemuCapture, ZoneSpansIdentical) {
    auto procs = extractProcSections(log_);
    auto want = test::parseZoneinfo(procs.at("zoneinfo"));
    auto got = test::parseZoneinfo(viewZoneinfo(sim_->state(), sim_->scenario().machine.cpus));
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [zone, zi] : want) {
        ASSERT_TRUE(got.count(zone)) << zone;
        for (const char* f : {"spanned", "present", "start_pfn"}) {
            if (!zi.fields.count(f)) { // unpopulated zones print no start_pfn
                EXPECT_EQ(got[zone].fields.count(f), 0u) << zone << " " << f;
                continue;
            }
            EXPECT_EQ(got[zone].fields[f], zi.fields.at(f)) << zone << " " << f;
        }
    }
}

TEST_P(QemuCapture, IomemTopLevelFromE820) {
    // /proc/iomem also lists device windows (PCI buses, ROMs) that mmsim
    // does not model, and reserved e820 ranges above 1 MiB end up nested
    // under them. Every e820-derived line of ours must be in the kernel's
    // file (at some depth), and every top-level "System RAM" and "Reserved"
    // line of the kernel must be ours.
    auto procs = extractProcSections(log_);
    std::vector<std::string> kernel_all, kernel_top;
    for (const std::string& l : splitLines(procs.at("iomem"))) {
        if (l.empty()) continue;
        kernel_all.push_back(l.substr(l.find_first_not_of(' ')));
        if (l[0] != ' ') kernel_top.push_back(l);
    }
    const std::vector<std::string> ours = splitLines(viewIomem(sim_->state()));
    ASSERT_FALSE(ours.empty());
    for (const std::string& l : ours)
        EXPECT_NE(std::find(kernel_all.begin(), kernel_all.end(), l), kernel_all.end()) << l;
    for (const std::string& l : kernel_top)
        if (l.find(" : System RAM") != std::string::npos ||
            l.find(" : Reserved") != std::string::npos) {
            EXPECT_NE(std::find(ours.begin(), ours.end(), l), ours.end()) << l;
        }
}

TEST_P(QemuCapture, ManagedAndWatermarksWithinTwoPercent) {
    auto procs = extractProcSections(log_);
    auto want = test::parseZoneinfo(procs.at("zoneinfo"));
    auto got = test::parseZoneinfo(viewZoneinfo(sim_->state(), sim_->scenario().machine.cpus));
    for (const auto& [zone, zi] : want) {
        if (zi.fields.at("present") == "0") continue;
        for (const char* f : {"managed", "min", "low", "high"}) {
            double k = std::stod(zi.fields.at(f)), m = std::stod(got[zone].fields[f]);
            EXPECT_LE(std::fabs(m - k), 0.02 * k) << zone << " " << f << " kernel " << k
                                                  << " mmsim " << m;
        }
    }
    EXPECT_EQ(sim_->state().mm.min_free_kbytes, std::stol(procs.at("min_free_kbytes")));
}

TEST_P(QemuCapture, ManagedDiffersOnlyByTheFreesTheLogGivesNoAddressFor) {
    // After boot the kernel returns memory whose address the log does not
    // print ("Freeing unused kernel image (initmem) memory: 4264K", SMP
    // alternatives, unused decrypted memory, section gaps). All of it lies in
    // the kernel image, so exactly one zone may differ, by exactly their sum.
    std::uint64_t unaddressed_kb = 0;
    for (const std::string& l : splitLines(log_.substr(0, log_.find("=====")))) {
        auto p = l.find("] Freeing ");
        if (p == std::string::npos || l.find("initrd") != std::string::npos) continue;
        auto colon = l.rfind(": ");
        unaddressed_kb += std::stoull(l.substr(colon + 2));
    }
    ASSERT_GT(unaddressed_kb, 0u);
    auto procs = extractProcSections(log_);
    auto want = test::parseZoneinfo(procs.at("zoneinfo"));
    auto got = test::parseZoneinfo(viewZoneinfo(sim_->state(), sim_->scenario().machine.cpus));
    int zones_differing = 0;
    std::int64_t total = 0;
    for (const auto& [zone, zi] : want) {
        std::int64_t d = std::stoll(zi.fields.at("managed")) - std::stoll(got[zone].fields["managed"]);
        if (d) ++zones_differing;
        total += d;
    }
    EXPECT_EQ(zones_differing, 1);
    EXPECT_EQ(total, static_cast<std::int64_t>(unaddressed_kb / 4));
}

TEST_P(QemuCapture, ProtectionWithinTwoPercent) {
    auto procs = extractProcSections(log_);
    auto want = test::parseZoneinfo(procs.at("zoneinfo"));
    auto got = test::parseZoneinfo(viewZoneinfo(sim_->state(), sim_->scenario().machine.cpus));
    for (const auto& [zone, zi] : want) {
        if (zi.fields.at("present") == "0") continue;
        long a[5], b[5];
        ASSERT_EQ(std::sscanf(zi.fields.at("protection").c_str(), "(%ld, %ld, %ld, %ld, %ld)", &a[0],
                              &a[1], &a[2], &a[3], &a[4]), 5);
        ASSERT_EQ(std::sscanf(got[zone].fields["protection"].c_str(), "(%ld, %ld, %ld, %ld, %ld)",
                              &b[0], &b[1], &b[2], &b[3], &b[4]), 5);
        for (int i = 0; i < 5; ++i) EXPECT_LE(std::labs(a[i] - b[i]), a[i] / 50) << zone;
    }
}

TEST_P(QemuCapture, WatermarksFollowTheKernelFormulas) {
    // Recomputed by hand from the managed counts the simulation held when
    // it set the watermarks (before the initrd and init memory came back).
    const MmModel& mm = sim_->state().mm;
    const bool is61 = mm.profile.is61();
    std::uint64_t lowmem = 0;
    mm.forEachZone([&](const Zone& z) {
        if (is61 || z.idx != ZONE_MOVABLE) lowmem += z.wmark_managed;
    });
    const std::uint64_t pages_min = static_cast<std::uint64_t>(mm.min_free_kbytes) / 4;
    int checked = 0;
    mm.forEachZone([&](const Zone& z) {
        std::uint64_t share = pages_min * z.wmark_managed / lowmem;
        std::uint64_t min = (!is61 && z.idx == ZONE_MOVABLE)
                                ? std::clamp<std::uint64_t>(z.wmark_managed / 1024, 32, 128)
                                : share;
        std::uint64_t step = std::max<std::uint64_t>(share / 4, z.wmark_managed * 10 / 10000);
        EXPECT_EQ(z.watermark[WMARK_MIN], min);
        EXPECT_EQ(z.watermark[WMARK_LOW], min + step);
        EXPECT_EQ(z.watermark[WMARK_HIGH], min + 2 * step);
        ++checked;
    });
    EXPECT_EQ(checked, static_cast<int>(mm.nodes.size()) * 5);
    // lowmem_reserve from the same counts: managed above / ratio.
    for (const Node& n : mm.nodes) {
        const std::uint64_t ratio[] = {256, 256, 32, 0, 0};
        for (int i = 0; i < 4; ++i) {
            std::uint64_t above = 0;
            for (int j = i + 1; j < 5; ++j) {
                above += n.zones[j].lowmem_managed;
                std::uint64_t want = (ratio[i] && n.zones[i].lowmem_managed) ? above / ratio[i] : 0;
                EXPECT_EQ(n.zones[i].lowmem_reserve[j], want) << n.nid << " " << i << " " << j;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Fidelity, QemuCapture,
                         ::testing::Values(Capture{"qemu-6.12-n2-2G.log"},
                                           Capture{"qemu-6.1-n2-2G.log"},
                                           Capture{"qemu-6.12-n4-asym-4G.log"},
                                           Capture{"qemu-6.1-n1-3G-kernelcore.log"},
                                           Capture{"qemu-6.12-n1-448M.log"},
                                           Capture{"qemu-6.1-n2-2G-mem.log"},
                                           Capture{"qemu-6.12-n2-2G-extfrag.log"},
                                           Capture{"qemu-6.1-n2-2G-extfrag.log"}),
                         [](const auto& info) {
                             std::string n = info.param.file;
                             n = n.substr(5, n.size() - 9); // drop "qemu-" and ".log"
                             std::string out;
                             for (char c : n) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return out;
                         });

} // namespace
