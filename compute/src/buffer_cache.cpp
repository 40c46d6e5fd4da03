#include "buffer_cache.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <new>

namespace normlab::detail {

namespace {

constexpr std::align_val_t kAlignment{64};
constexpr std::size_t kRecycleFrom = std::size_t(1) << 20;
constexpr std::size_t kCacheLimit = std::size_t(1) << 30;

struct Cache {
    std::mutex mutex;
    std::deque<Buffer> free; // oldest first
    std::size_t bytes = 0;

    ~Cache() {
        for (const Buffer& b : free) ::operator delete[](b.data, kAlignment);
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
    return {static_cast<std::byte*>(::operator new[](bytes, kAlignment)), bytes};
}

void releaseBuffer(Buffer buffer) {
    if (!buffer.data) return;
    if (buffer.capacity < kRecycleFrom || buffer.capacity > kCacheLimit) {
        ::operator delete[](buffer.data, kAlignment);
        return;
    }
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    c.free.push_back(buffer);
    c.bytes += buffer.capacity;
    while (c.bytes > kCacheLimit) {
        c.bytes -= c.free.front().capacity;
        ::operator delete[](c.free.front().data, kAlignment);
        c.free.pop_front();
    }
}

} // namespace normlab::detail
