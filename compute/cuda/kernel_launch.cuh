// What the CUDA kernel files share: the block size, block-wide sums, the device's Group
// (kernel_bodies.h), the shared-memory storage of a block's reductions, a block's (slice,
// piece), and the grid sizes of the launches.
#pragma once

#include "cuda_kernels.cuh"
#include "general_bodies.h"

#include <type_traits>

namespace normlab::cuda::detail {

constexpr int kBlock = kBlockThreads;
constexpr int kWarps = kBlock / 32;

// Sum of `value` over the block's threads; every thread receives the total. `shared` holds
// kWarps pairs.
inline __device__ Pair blockSum(Pair value, Pair* shared) {
    for (int offset = 16; offset > 0; offset /= 2) {
        value.a += __shfl_down_sync(0xffffffffu, value.a, offset);
        value.b += __shfl_down_sync(0xffffffffu, value.b, offset);
    }
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    __syncthreads(); // `shared` may still be read from a previous call
    if (lane == 0) shared[warp] = value;
    __syncthreads();
    Pair total;
    for (int w = 0; w < kWarps; ++w) total = total + shared[w];
    return total;
}

inline __device__ double blockSum(double value, Pair* shared) {
    return blockSum(Pair{value, 0.0}, shared).a;
}

// The device's Group (kernel_bodies.h): kLanes threads sharing a slice, a warp (shuffles
// only) or the whole block.
template <int kLanes> struct DeviceGroup {
    static constexpr int lanes = kLanes;
    int lane;
    Pair* shared;
    template <class F> __host__ __device__ Pair sum(F f) {
#if defined(__CUDA_ARCH__)
        Pair value = f(lane);
        if constexpr (kLanes == 32) {
            for (int offset = 16; offset > 0; offset /= 2) {
                value.a += __shfl_xor_sync(0xffffffffu, value.a, offset);
                value.b += __shfl_xor_sync(0xffffffffu, value.b, offset);
            }
            return value;
        } else {
            return blockSum(value, shared);
        }
#else
        return f(lane);
#endif
    }
    template <class F> __host__ __device__ void each(F f) {
        f(lane);
    }
    template <class F> __host__ __device__ void leader(F f) {
        if (lane == 0) f();
    }
};

// Storage for a block's reductions: kWarps pairs (raw, as __shared__ takes no initialiser).
#define NORMLAB_SHARED_PAIRS(name)                                                                 \
    __shared__ double name##Storage[2 * kWarps];                                                   \
    Pair* name = reinterpret_cast<Pair*>(name##Storage)

// Block b of a grid of slices * pieces.count blocks: slice m, piece c (32-bit division,
// once per block).
struct BlockPiece {
    std::int64_t m, c;
};

inline __device__ BlockPiece blockPiece(const Pieces& pieces) {
    const unsigned count = unsigned(pieces.count), m = blockIdx.x / count;
    return {std::int64_t(m), std::int64_t(blockIdx.x - m * count)};
}

// Contiguous-slice kernels: f(lanes) with lanes a compile-time 32 (a warp per slice) or
// kBlock (a block per slice), as the plan decides; contiguousGrid blocks.
template <class F> void withLanes(const LaunchPlan& plan, F f) {
    if (plan.lanes == 32)
        f(std::integral_constant<int, 32>{});
    else
        f(std::integral_constant<int, kBlock>{});
}

inline unsigned contiguousGrid(const DeviceView& v, int lanes) {
    const std::int64_t perBlock = kBlock / lanes;
    return unsigned((v.slices + perBlock - 1) / perBlock);
}

inline unsigned gridFor(std::int64_t elements) {
    const std::int64_t blocks = (elements + kBlock - 1) / kBlock;
    return unsigned(blocks < 65535 * 8 ? (blocks > 0 ? blocks : 1) : 65535 * 8);
}

inline unsigned threadsFor(std::int64_t count) {
    return unsigned((count + kBlock - 1) / kBlock);
}

inline unsigned pieceGrid(const DeviceView& v, const Pieces& pieces) {
    return unsigned(v.slices * pieces.count);
}

} // namespace normlab::cuda::detail
