// The Contiguous Memory Allocator's boot side (mm/cma.c,
// kernel/dma/contiguous.c), modelled when the kernel has CONFIG_CMA
// ("kernel": {"cma": true}). The essay is at the top of cma.cpp.
#pragma once

#include "core/x86_setup.h"

namespace mmsim {

// dma_contiguous_reserve(limit) from setup_arch(): with cma=SIZE[@BASE[-LIMIT]]
// on the command line, the default global area is reserved in memblock and
// "cma: Reserved N MiB at 0x..." printed (or the kernel's error lines).
void dmaContiguousReserve(BootState& st, phys_addr_t limit);
// cma_init_reserved_areas() (core_initcall): every reserved area's
// pageblocks become MIGRATE_CMA and go to the buddy allocator, managed by
// their zone. Runs after memblock_free_all, before the watermarks are set.
void cmaInitReservedAreas(MmModel& mm);

} // namespace mmsim
