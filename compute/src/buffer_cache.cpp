#include "buffer_cache.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace normlab::detail {

namespace {

constexpr std::align_val_t kAlignment{64};
constexpr std::size_t kRecycleFrom = std::size_t(1) << 20;
// Buffers from this size on are aligned to a huge page and marked for transparent huge
// pages (Linux: MADV_HUGEPAGE, honoured in the kernel's default "madvise" mode): touching a
// fresh 400 MB tensor then takes 200 page faults instead of 100,000, which on a VM was most
// of the time spent making one (measured: see docs/performance.md).
constexpr std::size_t kHugePage = std::size_t(2) << 20;
constexpr std::align_val_t kHugeAlignment{kHugePage};

std::align_val_t alignmentFor(std::size_t bytes) {
    return bytes >= kHugePage ? kHugeAlignment : kAlignment;
}

std::byte* allocate(std::size_t bytes) {
    auto* p = static_cast<std::byte*>(::operator new[](bytes, alignmentFor(bytes)));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= kHugePage) ::madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE); // a hint
#endif
    return p;
}

void deallocate(const Buffer& b) {
    ::operator delete[](b.data, alignmentFor(b.capacity));
}
constexpr std::size_t kCacheLimit = std::size_t(1) << 30;

struct Cache {
    std::mutex mutex;
    std::deque<Buffer> free; // oldest first
    std::size_t bytes = 0;

    ~Cache() {
        for (const Buffer& b : free) deallocate(b);
    }
};

Cache& cache() {
    static Cache instance;
    return instance;
}

} // namespace

Buffer acquireBuffer(std::size_t bytes) {
    bytes = std::max<std::size_t>(bytes, 1);
    if (bytes >= kRecycleFrom) {
        Cache& c = cache();
        std::lock_guard lock(c.mutex);
        // Smallest cached buffer that fits without wasting more than half of it.
        auto best = c.free.end();
        for (auto it = c.free.begin(); it != c.free.end(); ++it)
            if (it->capacity >= bytes && it->capacity <= bytes + bytes / 2 &&
                (best == c.free.end() || it->capacity < best->capacity))
                best = it;
        if (best != c.free.end()) {
            const Buffer b = *best;
            c.free.erase(best);
            c.bytes -= b.capacity;
            return b;
        }
    }
    return {allocate(bytes), bytes};
}

void releaseBuffer(Buffer buffer) {
    if (!buffer.data) return;
    if (buffer.capacity < kRecycleFrom || buffer.capacity > kCacheLimit) {
        deallocate(buffer);
        return;
    }
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    c.free.push_back(buffer);
    c.bytes += buffer.capacity;
    while (c.bytes > kCacheLimit) {
        c.bytes -= c.free.front().capacity;
        deallocate(c.free.front());
        c.free.pop_front();
    }
}

} // namespace normlab::detail
