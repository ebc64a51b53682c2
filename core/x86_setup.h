// The x86_64 boot path from the firmware map to the buddy allocator, as
// setup_arch() and start_kernel() walk it ("boot": "auto").
#pragma once

#include "core/cmdline.h"
#include "core/e820.h"
#include "core/memblock.h"
#include "core/mm_model.h"
#include "core/scenario.h"
#include "core/slab.h"

#include <functional>
#include <string>

namespace mmsim {

struct BootState {
    E820Table bios_e820;   // as the firmware gave it, sanitised
    E820Table e820;        // the kernel's table after command line and trims
    bool user_defined_map = false;
    pfn_t max_pfn = 0;
    Memblock memblock;
    MmModel mm;
    CmdlineOptions opts;
    SlabState slab; // the slab layer (kmalloc caches, kmem_cache_create), once used
    std::function<void(const std::string&)> printk;
};

// Kernel image facts of Debian's builds of each profile.
struct KernelImageLayout {
    std::uint64_t image_size;   // _text .. __end_of_kernel_reserve
    std::uint64_t init_kb;      // "Freeing unused kernel image (initmem) memory"
    std::uint64_t bss_kb;
    std::uint64_t real_mode_size; // reserve_real_mode() trampoline
    std::uint64_t node_data_size; // sizeof(pg_data_t), page-rounded in 6.1
    std::uint64_t percpu_unit;    // bytes kept per CPU of the first chunk
};
KernelImageLayout imageLayout(const KernelProfile& p);

// Prepares e820 and the node list from the machine (both boot kinds).
void setupMachine(BootState& st, const MachineSpec& m);
// Prints the firmware map, applies mem=/memmap= and trim_bios_range(),
// finds max_pfn (both boot kinds).
void prepareE820(BootState& st);
// The whole auto boot: e820 -> memblock -> nodes, zones -> buddy.
void x86AutoBoot(BootState& st, const MachineSpec& m);
// Zone limits from max_pfn (zone_sizes_init).
void setMaxZonePfns(BootState& st);
// The numa_meminfo clean-up and memblock node assignment of the profile.
void x86NumaInit(BootState& st, const MachineSpec& m);

} // namespace mmsim
