// The machine editor's "qemu-like" PC: where a q35 guest's RAM lands in the
// physical address space, how the firmware describes it (e820) and how the
// ACPI SRAT splits it between NUMA nodes. No Qt.
//
// A PC cannot simply map all its RAM from address 0 upwards: the top of the
// 32-bit space is taken by PCI devices, the local APICs and the BIOS flash,
// and the first megabyte keeps the holes of the original IBM PC (video
// memory at 640 KiB, option ROMs, the BIOS). So qemu's q35 machine puts
// the first part of the RAM below a PCI hole and the rest above 4 GiB:
// with 2.75 GiB or more, 2 GiB go below the hole; otherwise everything
// fits below it. SeaBIOS then reports the RAM minus the legacy area and
// minus a few pages at the top of the low RAM where it keeps its ACPI
// tables, plus the fixed reservations of the chipset (the PCI Express
// configuration window at 0xb0000000, the chipset's register block, the
// BIOS flash under 4 GiB, and on AMD hosts the HyperTransport window below
// 1 TiB, which also pushes the high RAM to 1 TiB when it would reach it).
//
// The NUMA nodes take the RAM in order, each a contiguous run of "RAM
// offsets": node 0 from offset 0, node 1 after it, and so on. A run that
// crosses the PCI hole is cut in two, and node 0 loses the legacy hole
// (640 KiB to 1 MiB), exactly the ranges qemu writes into the SRAT and the
// kernel prints as "ACPI: SRAT: Node N PXM N [mem ...]".
#pragma once

#include "core/scenario.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace mmsim::ui {

using ByteRange = std::pair<std::uint64_t, std::uint64_t>; // [start, end)

namespace qemu {
constexpr std::uint64_t kLowRamEnd = 0xa0000;  // 640 KiB: the legacy video hole starts
constexpr std::uint64_t kLegacyEnd = 0x100000; // 1 MiB
constexpr std::uint64_t kEbdaSize = 0x400;     // reserved at the top of the 640 KiB
constexpr std::uint64_t kBiosTables = 0x21000; // SeaBIOS's tables at the top of low RAM
constexpr std::uint64_t kFourG = 0x100000000ull;
constexpr std::uint64_t kAmdHtStart = 0xfd00000000ull; // HyperTransport window, up to 1 TiB
constexpr std::uint64_t kOneT = 0x10000000000ull;
} // namespace qemu

struct RamSplit {
    std::uint64_t below_4g = 0; // RAM mapped from 0 up to the PCI hole
    std::uint64_t above_4g = 0; // the rest
    std::uint64_t above_start = qemu::kFourG;
};
RamSplit qemuRamSplit(std::uint64_t total_ram);

// The smallest machine the layout handles: the legacy first MiB, SeaBIOS's
// tables and one more MiB.
constexpr std::uint64_t kMinRam = 2ull << 20;

// SRAT ranges of each node for the node sizes in order (0: a node without
// memory). The first node must have more than 1 MiB (it holds the legacy
// area); sizes are taken as they are (no rounding).
std::vector<std::vector<ByteRange>> qemuNodeRanges(const std::vector<std::uint64_t>& sizes);
// The size qemuNodeRanges() turns into these ranges: their sum, plus the
// legacy hole when they start with the first 640 KiB.
std::uint64_t nodeSizeOfRanges(const std::vector<ByteRange>& ranges);

// The firmware map SeaBIOS gives a q35 guest with this much RAM, sorted.
std::vector<E820EntrySpec> qemuE820(std::uint64_t total_ram);
// The RAM a qemu-like map describes: the usable RAM below 4 GiB rounded up
// to 1 MiB (the tables at its top) plus the usable RAM above.
std::uint64_t ramOfE820(const std::vector<E820EntrySpec>& e820);

} // namespace mmsim::ui
