// A fixed pool of worker threads created once per process, so that a kernel call costs a
// wake-up, not a thread creation. parallelFor hands out chunks dynamically (uneven masked
// slices balance themselves); the calling thread works too.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace normlab::cpu {

class ThreadPool {
  public:
    // Threads: NORMLAB_THREADS if set, else std::thread::hardware_concurrency().
    static ThreadPool& instance();

    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int threads() const { return threads_; }

    // Calls body(begin, end, slot) over disjoint ranges covering [0, count), each of at
    // least `grain` items except the last. `slot` < threads() identifies the thread, for
    // per-thread partial sums. Runs inline when nested or when there is one chunk.
    using Body = std::function<void(std::int64_t, std::int64_t, int)>;
    void parallelFor(std::int64_t count, std::int64_t grain, const Body& body);

  private:
    void workerLoop(int slot);
    void runChunks(int slot);

    int threads_;
    std::vector<std::thread> workers_;
    std::mutex callMutex_; // one parallelFor at a time

    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::uint64_t generation_ = 0;
    bool stopping_ = false;
    const Body* body_ = nullptr;
    std::int64_t count_ = 0;
    std::int64_t chunkSize_ = 1;
    std::int64_t nextChunk_ = 0;
    int busyWorkers_ = 0;
};

} // namespace normlab::cpu
