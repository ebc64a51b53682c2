// The kernel command-line options that shape physical memory: mem=,
// memmap=, movablecore=, kernelcore=, movable_node, memblock=debug, cma=.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmsim {

struct MemmapOption {
    enum Kind { Limit, AddRam, AddAcpi, AddReserved, AddPram, ExactMap } kind = Limit;
    std::uint64_t size = 0;
    std::uint64_t start = 0;
};

// kernelcore= / movablecore=: an amount of memory or a percentage.
struct CoreAmount {
    std::uint64_t bytes = 0;
    unsigned percent = 0; // non-zero: a percentage of all memory
};

// cma=size[@base[-limit]] (kernel/dma/contiguous.c early_cma): the default
// global CMA area. Without a limit, base+size is the limit, which with a
// non-zero base fixes the area at base.
struct CmaOption {
    std::uint64_t size = 0;
    std::uint64_t base = 0;
    std::uint64_t limit = 0; // 0: none
};

struct CmdlineOptions {
    std::optional<std::uint64_t> mem; // mem=
    std::vector<MemmapOption> memmap;  // memmap=, in command-line order
    std::optional<CoreAmount> movablecore;
    std::optional<CoreAmount> kernelcore;
    bool kernelcore_mirror = false;
    bool movable_node = false;
    bool memblock_debug = false;
    std::optional<CmaOption> cma; // cma= (a CONFIG_CMA kernel's option)
};

// Parses the options mmsim models and ignores the others. Throws
// std::invalid_argument naming the bad option for a value that does not parse.
CmdlineOptions parseCmdline(const std::string& cmdline);

} // namespace mmsim
