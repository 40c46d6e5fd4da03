// What every reader and writer of a user's file checks first.
//
// Readers: a path must name a regular file (a symbolic link is followed) before anything
// opens it. A FIFO blocks open() until a writer appears, a character device reads without
// end, a directory has no bytes: each is refused with a message naming the path, without
// blocking (stat() never waits on the file's other end).
//
// Writers: a file is replaced atomically. The bytes go to a sibling created exclusively
// (PATH.normlab-partial-PID-N, mode 0666 less the umask), which is renamed over PATH only
// once everything is written. A failed write removes the sibling and leaves PATH as it was,
// and a process that still maps the old PATH keeps its pages (the old inode lives on).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace normlab {

// Empty when `path` is a regular file; else "PATH is a FIFO (named pipe), not a regular
// file", "PATH does not exist", ... `what` names the file for the user ("the model text").
std::string regularFileError(const std::string& path, std::string_view what = "");

// Writes `head` then `size` bytes from `data` to `path` as described above. Empty on
// success, else why not (PATH unchanged).
std::string writeFileAtomically(const std::string& path, std::string_view head, const void* data,
                                std::size_t size);

} // namespace normlab
