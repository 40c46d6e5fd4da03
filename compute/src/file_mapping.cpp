#include "file_mapping.h"

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define NORMLAB_HAS_MMAP 1
#endif

namespace normlab::detail {

FileMapping mapFile(const std::string& path) {
    FileMapping m;
#ifdef NORMLAB_HAS_MMAP
    // O_NONBLOCK: a FIFO would block open() until a writer came; fstat below refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        m.error = "cannot open " + path;
        return m;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        m.error = path + " is not a regular file";
        return m;
    }
    m.length = std::size_t(st.st_size);
    if (m.length > 0) {
        void* p = ::mmap(nullptr, m.length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            m.error = "cannot map " + path + " into memory";
            m.length = 0;
        } else {
            m.base = p;
        }
    }
    ::close(fd); // the mapping keeps the file
#else
    m.error = "memory mapping is not available on this platform";
#endif
    return m;
}

void unmapFile(void* base, std::size_t length) {
#ifdef NORMLAB_HAS_MMAP
    if (base) ::munmap(base, length);
#endif
}

} // namespace normlab::detail
