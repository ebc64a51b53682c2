// The extfrag views against real kernels: from a qemu capture's
// /proc/buddyinfo, the debugfs extfrag/unusable_index and
// extfrag/extfrag_index files read at the same moment, byte for byte (see
// tests/fixtures/kernel/README.md for why these two captures).
#include "core/frag_index.h"
#include "core/import_dmesg.h"
#include "core/strfmt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace mmsim;

namespace {

std::string readCapture(const std::string& name) {
    std::ifstream in(std::string(MMSIM_FIXTURES) + "/kernel/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

class ExtfragCapture : public ::testing::TestWithParam<const char*> {};

TEST_P(ExtfragCapture, BothIndexFilesFromBuddyinfo) {
    auto procs = extractProcSections(readCapture(GetParam()));
    // The capture read buddyinfo before and after the extfrag files: the
    // snapshot is only meaningful if nothing changed in between.
    ASSERT_EQ(procs.at("buddyinfo"), procs.at("buddyinfo_after"));
    std::string unusable, extfrag;
    int zones = 0;
    for (const std::string& line : splitLines(procs.at("buddyinfo"))) {
        int nid = -1;
        char zone[16] = {0};
        NrFree nr{};
        unsigned long long v[11];
        ASSERT_EQ(std::sscanf(line.c_str(),
                              "Node %d, zone %15s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                              &nid, zone, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
                              &v[8], &v[9], &v[10]),
                  13)
            << line;
        for (int o = 0; o < 11; ++o) nr[static_cast<size_t>(o)] = v[o];
        unusable += unusableIndexLine(nid, zone, nr) + "\n";
        extfrag += extfragIndexLine(nid, zone, nr) + "\n";
        ++zones;
    }
    EXPECT_GT(zones, 1);
    EXPECT_EQ(unusable, procs.at("extfrag_unusable"));
    EXPECT_EQ(extfrag, procs.at("extfrag_index"));
}

INSTANTIATE_TEST_SUITE_P(Fidelity, ExtfragCapture,
                         ::testing::Values("qemu-6.12-n2-2G-extfrag.log",
                                           "qemu-6.1-n2-2G-extfrag.log"));

// Hand-worked: one free order-3 block and four order-0 pages (12 pages).
TEST(FragIndex, HandWorked) {
    NrFree nr{};
    nr[0] = 4;
    nr[3] = 1;
    // order 2: suitable = 1 << 1 = 2 blocks = 8 pages; unusable = (12-8)/12.
    EXPECT_EQ(unusableFreeIndex(2, fillContigPageInfo(nr, 2)), 333);
    // order 4: nothing suitable; index = 1000 - (1000 + 12*1000/16) / 5 = 1000 - 350 = 650.
    EXPECT_EQ(fragmentationIndex(4, fillContigPageInfo(nr, 4)), 650);
    EXPECT_EQ(fragmentationIndex(3, fillContigPageInfo(nr, 3)), -1000);
    NrFree none{};
    EXPECT_EQ(unusableFreeIndex(0, fillContigPageInfo(none, 0)), 1000);
    EXPECT_EQ(fragmentationIndex(0, fillContigPageInfo(none, 0)), 0);
    EXPECT_EQ(extfragIndexLine(0, "DMA", nr).substr(0, 24), "Node 0, zone      DMA -1");
}

} // namespace
