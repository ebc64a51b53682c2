#include "core/import_dmesg.h"
#include <gtest/gtest.h>
#include <fstream>
#include <sstream>
using namespace mmsim;
static std::string slurp(const std::string& p) { std::ifstream in(p, std::ios::binary); std::ostringstream s; s << in.rdbuf(); return s.str(); }
TEST(ImportDmesgSmoke, Dump) {
  for (auto n : {"qemu-6.12-n2-2G.log", "qemu-6.1-n2-2G.log", "host-6.18/dmesg-memory.txt"}) {
    std::string p = std::string(MMSIM_FIXTURES) + "/kernel/" + n;
    auto j = importDmesg(slurp(p), n);
    std::ofstream(std::string("/tmp/imp-") + (n[0]=='h' ? "host" : n) + ".json") << j.dump(2);
  }
}
