// Read-only files mapped into memory privately (POSIX mmap, MAP_PRIVATE): pages are read
// from the file when first touched and copied when written, so a tensor over a mapped .npy
// costs resident memory only for what is used, and a write never reaches the file.
#pragma once

#include <cstddef>
#include <string>

namespace normlab::detail {

struct FileMapping {
    void* base = nullptr; // null on failure, or for an empty file
    std::size_t length = 0;
    std::string error; // empty on success
};

// Maps the whole of `path`; on platforms without mmap, fails with a message.
FileMapping mapFile(const std::string& path);
void unmapFile(void* base, std::size_t length);

} // namespace normlab::detail
