// Views: the kernel's own text for the simulated state (/proc files, boot
// lines, the memblock dump), byte for byte, without dmesg timestamps.
#pragma once

#include "core/simulation.h"

#include <string>
#include <vector>

namespace mmsim {

// The view names mmsim-cli --print accepts.
const std::vector<std::string>& viewNames();
// Renders a view; throws std::invalid_argument for an unknown name and
// std::logic_error when the state has no such thing yet (e.g. zoneinfo in
// the memblock phase).
std::string renderView(const Simulation& sim, const std::string& name);

std::string viewE820(const BootState& st);
std::string viewMemblock(const BootState& st);
std::string viewBoot(const BootState& st);
std::string viewIomem(const BootState& st);
std::string viewZoneinfo(const BootState& st, int cpus);
std::string viewBuddyinfo(const BootState& st);
// /proc/pagetypeinfo: free blocks per migratetype and order, pageblocks per type.
std::string viewPagetypeinfo(const BootState& st);
std::string viewUnusableIndex(const BootState& st);
std::string viewExtfragIndex(const BootState& st);

} // namespace mmsim
