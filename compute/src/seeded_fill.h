// Tensors of seeded random draws filled in parallel, the same on every machine.
//
// The elements are cut into chunks of kSeededChunk; chunk k draws from its own
// std::mt19937_64, seeded with the seed itself for chunk 0 and with chunkSeed(seed, k) after
// it. The values so depend on the seed alone, not on the number of threads, and a tensor of
// one chunk is exactly the sequential draw of one engine seeded with the seed (the tensors
// NormLab built before it filled in parallel). Each chunk is a point where a cancelled fill
// stops.
#pragma once

#include "normlab/tensor.h"

#include "../cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>

namespace normlab::detail {

inline constexpr std::int64_t kSeededChunk = std::int64_t(1) << 20;

// Chunk k's engine seed for k >= 1 (SplitMix64 of the seed and the chunk's index).
inline std::uint64_t chunkSeed(std::uint64_t seed, std::int64_t chunk) {
    std::uint64_t z = seed + std::uint64_t(chunk) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Calls body(begin, end, rng, store) for every chunk [begin, end) of t's elements, chunks in
// parallel on the compute threads; body draws from rng (the chunk's engine) and writes
// element i with store(i, double). `afterFirst`, when given, receives chunk 0's engine as
// body left it. False, with t partly written, where `cancel` (may be null) stopped it.
template <class Body>
bool fillSeeded(Tensor& t, std::uint64_t seed, const std::atomic<bool>* cancel, Body body,
                std::mt19937_64* afterFirst = nullptr) {
    const std::int64_t n = t.size();
    const std::int64_t chunks = (n + kSeededChunk - 1) / kSeededChunk;
    std::atomic<bool> stopped{false};
    const auto run = [&](auto store) {
        cpu::ThreadPool::instance().parallelFor(
            chunks, 1, [&](std::int64_t first, std::int64_t last, int) {
                for (std::int64_t k = first; k < last; ++k) {
                    if (cancel && cancel->load(std::memory_order_relaxed)) {
                        stopped = true;
                        return;
                    }
                    std::mt19937_64 rng(k == 0 ? seed : chunkSeed(seed, k));
                    body(k * kSeededChunk, std::min(n, (k + 1) * kSeededChunk), rng, store);
                    if (k == 0 && afterFirst) *afterFirst = rng;
                }
            });
    };
    // Typed stores, taken once (set() from many threads is not meant to be); another dtype
    // is filled in float64 and cast.
    if (t.dtype() == DType::Float32) {
        float* p = t.data<float>();
        run([p](std::int64_t i, double v) { p[i] = float(v); });
    } else if (t.dtype() == DType::Float64) {
        double* p = t.data<double>();
        run([p](std::int64_t i, double v) { p[i] = v; });
    } else {
        Tensor wide = Tensor::uninitialized(t.shape(), DType::Float64);
        if (!fillSeeded(wide, seed, cancel, body, afterFirst)) return false;
        t = wide.castTo(t.dtype());
    }
    return !stopped;
}

} // namespace normlab::detail
