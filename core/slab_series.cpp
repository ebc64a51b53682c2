// Slab columns for the time series (see slab_series.h).
#include "core/slab_series.h"

#include "core/simulation.h"
#include "core/slab.h"

#include <array>

namespace mmsim {

namespace {

class SlabSeriesProvider : public SeriesProvider {
  public:
    void sample(const StepInput& in, std::vector<std::pair<SeriesColumn, double>>& out) override {
        if (!in.sim) return;
        const SlabState& s = in.sim->state().slab;
        for (std::size_t c = 0; c < s.caches.size(); ++c) {
            // A cache gets columns once it has slabs (the empty kmalloc
            // classes would only crowd the chart); after that it keeps them.
            const SlabInfoRow r = slabInfoRow(s, static_cast<int>(c));
            if (r.num_objs == 0 && !seen(c)) continue;
            mark(c);
            out.push_back({column(r.name, "active_objs"), double(r.active_objs)});
            out.push_back({column(r.name, "num_objs"), double(r.num_objs)});
            // Slabs per list: where the cache's slabs sit (a CPU's active
            // slab, the per-CPU partial lists, the node partial lists, full,
            // and classic SLAB's slabs_free).
            const bool classic = s.policy != SlabPolicy::Slub;
            std::array<double, 6> per_list{};
            for (const SlabDetail& d : cacheDetail(s, static_cast<int>(c)).slabs)
                per_list[static_cast<std::size_t>(d.list)] += 1;
            for (SlabList l : {SlabList::CpuSlab, SlabList::CpuPartial, SlabList::Partial,
                               SlabList::Full, SlabList::Free}) {
                if (l == SlabList::CpuPartial && classic) continue; // SLUB only
                if (l == SlabList::Free && !classic) continue;      // SLAB only
                SeriesColumn col = column(r.name, slabListName(l));
                col.name = "slab." + r.name + ".slabs." + slabListName(l);
                col.unit = "slabs";
                out.push_back({col, per_list[static_cast<std::size_t>(l)]});
            }
        }
    }

  private:
    static SeriesColumn column(const std::string& cache, const char* what) {
        SeriesColumn col;
        col.name = "slab." + cache + "." + what;
        col.set = SeriesSet::provider;
        col.unit = "objects";
        col.group = "slab";
        return col;
    }
    bool seen(std::size_t c) const { return c < seen_.size() && seen_[c]; }
    void mark(std::size_t c) {
        if (seen_.size() <= c) seen_.resize(c + 1, false);
        seen_[c] = true;
    }
    std::vector<bool> seen_;
};

} // namespace

std::shared_ptr<SeriesProvider> makeSlabSeriesProvider() {
    return std::make_shared<SlabSeriesProvider>();
}

} // namespace mmsim
