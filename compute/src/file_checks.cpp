#include "normlab/file_checks.h"

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace normlab {

namespace {

std::string named(const std::string& path, std::string_view what) {
    return what.empty() ? path : std::string(what) + " " + path;
}

const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a plain file";
}

// Writes all of [data, data + size) to fd, retrying short writes.
bool writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

} // namespace

std::string regularFileError(const std::string& path, std::string_view what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return named(path, what) + " does not exist";
        return "cannot read " + named(path, what) + ": " + std::strerror(errno);
    }
    if (!S_ISREG(st.st_mode))
        return named(path, what) + " is " + kindOf(st.st_mode) + ", not a regular file";
    return {};
}

std::string writeFileAtomically(const std::string& path, std::string_view head, const void* data,
                                std::size_t size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return "cannot write " + path + ": it is " + kindOf(st.st_mode);
    static std::atomic<unsigned> counter{0};
    const std::string partial =
        path + ".normlab-partial-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return "cannot write " + path + ": " + std::strerror(errno);
    const bool written = writeAll(fd, head.data(), head.size()) &&
                         writeAll(fd, static_cast<const char*>(data), size);
    const bool closed = ::close(fd) == 0;
    if (!written || !closed || ::rename(partial.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(partial.c_str());
        return "cannot write " + path + ": " + reason;
    }
    return {};
}

} // namespace normlab
