// The allocated-block store of a zone; see page_allocated.h.
#include "core/page_allocated.h"

namespace mmsim {

AllocatedBlocks::Chunk& AllocatedBlocks::chunkFor(pfn_t pfn) {
    const pfn_t c = pfn >> CHUNK_SHIFT;
    if (chunks_.empty()) {
        first_chunk_ = c;
        chunks_.resize(1);
    } else if (c < first_chunk_) {
        // Grow downwards: shift the existing chunks up.
        const std::size_t add = static_cast<std::size_t>(first_chunk_ - c);
        std::vector<std::unique_ptr<Chunk>> v(chunks_.size() + add);
        for (std::size_t i = 0; i < chunks_.size(); ++i)
            v[i + add] = std::move(chunks_[i]);
        chunks_ = std::move(v);
        first_chunk_ = c;
    } else if (c - first_chunk_ >= chunks_.size()) {
        chunks_.resize(static_cast<std::size_t>(c - first_chunk_) + 1);
    }
    std::unique_ptr<Chunk>& p = chunks_[static_cast<std::size_t>(c - first_chunk_)];
    if (!p) p = std::make_unique<Chunk>();
    return *p;
}

void AllocatedBlocks::const_iterator::seek() {
    const auto& cs = s_->chunks_;
    while (ci_ < cs.size()) {
        const Chunk* ch = cs[ci_].get();
        if (ch && ch->used) {
            for (; off_ < CHUNK_PAGES; ++off_)
                if (const std::uint8_t v = ch->b[off_]) {
                    cur_.first = ((s_->first_chunk_ + ci_) << CHUNK_SHIFT) + off_;
                    cur_.second = decode(v);
                    return;
                }
        }
        ++ci_;
        off_ = 0;
    }
    off_ = 0; // end()
}

AllocatedBlocks::const_iterator AllocatedBlocks::find(pfn_t pfn) const {
    if (!contains(pfn)) return end();
    return const_iterator(this, static_cast<std::size_t>((pfn >> CHUNK_SHIFT) - first_chunk_),
                          pfn & (CHUNK_PAGES - 1));
}

AllocatedBlocks::const_iterator AllocatedBlocks::lowerBound(pfn_t pfn) const {
    const pfn_t c = pfn >> CHUNK_SHIFT;
    if (chunks_.empty() || c < first_chunk_) return begin();
    if (c - first_chunk_ >= chunks_.size()) return end();
    return const_iterator(this, static_cast<std::size_t>(c - first_chunk_),
                          pfn & (CHUNK_PAGES - 1));
}

std::size_t AllocatedBlocks::memoryBytes() const {
    std::size_t n = chunks_.capacity() * sizeof(chunks_[0]);
    for (const auto& c : chunks_)
        if (c) n += sizeof(Chunk);
    return n;
}

} // namespace mmsim
