// Process-wide heap settings both programs start with (a library must not change them).
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace normlab::app {

// glibc serves allocations from 128 KiB up (rising with use) with fresh memory maps and
// returns them on free, so every screen-sized summary or histogram (a few to 40 MB) was
// page-faulted in again on each edit. Measured with `normlab-cli bench --summary 900x1400`
// on 1 M elements (2-core VM): the summary took 49 ms with the defaults, 3.3 ms with these.
// Up to 64 MiB comes from the heap, which keeps up to 128 MiB free before trimming; tensors
// have their own buffer cache (compute/src/buffer_cache.h).
inline void keepMediumAllocationsInTheHeap() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
}

} // namespace normlab::app
