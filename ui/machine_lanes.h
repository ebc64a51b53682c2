// The lanes of the machine's address bar, shared by the Machine tab and the
// machine editor's preview: an e820 map (firmware's or the kernel's) as
// segments coloured by type, and the NUMA nodes' spans.
#pragma once

#include "ui/address_bar.h"
#include "ui/snapshot.h"

#include <QString>

#include <vector>

namespace mmsim::ui {

AddressLane e820Lane(const QString& name, const std::vector<E820Row>& rows, bool dark);
// Nodes with pages, alternately shaded; no segments when none has any.
AddressLane nodeLane(const std::vector<NodeSnap>& nodes, bool dark);

} // namespace mmsim::ui
