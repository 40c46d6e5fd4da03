#include "thread_pool.h"

#include <algorithm>
#include <cstdlib>

namespace normlab::cpu {

namespace {
thread_local bool insideParallelFor = false;

int configuredThreads() {
    if (const char* env = std::getenv("NORMLAB_THREADS")) {
        const int n = std::atoi(env);
        if (n > 0) return std::min(n, 256);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}
} // namespace

ThreadPool& ThreadPool::instance() {
    static ThreadPool pool(configuredThreads());
    return pool;
}

ThreadPool::ThreadPool(int threads)
    : threads_(std::max(1, threads)) {
    for (int slot = 1; slot < threads_; ++slot)
        workers_.emplace_back([this, slot] { workerLoop(slot); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
}

void ThreadPool::runChunks(int slot) {
    insideParallelFor = true;
    for (;;) {
        std::int64_t chunk;
        {
            std::lock_guard lock(mutex_);
            chunk = nextChunk_++;
        }
        const std::int64_t begin = chunk * chunkSize_;
        if (begin >= count_) break;
        (*body_)(begin, std::min(count_, begin + chunkSize_), slot);
    }
    insideParallelFor = false;
}

void ThreadPool::workerLoop(int slot) {
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
        }
        runChunks(slot);
        {
            std::lock_guard lock(mutex_);
            --busyWorkers_;
        }
        done_.notify_one();
    }
}

void ThreadPool::parallelFor(std::int64_t count, std::int64_t grain, const Body& body) {
    if (count <= 0) return;
    grain = std::max<std::int64_t>(1, grain);
    // Four chunks per thread balance uneven work without much handing-out overhead.
    const std::int64_t wanted = std::min<std::int64_t>(threads_ * 4, (count + grain - 1) / grain);
    if (insideParallelFor || threads_ == 1 || wanted <= 1) {
        body(0, count, 0);
        return;
    }
    std::lock_guard call(callMutex_);
    {
        std::lock_guard lock(mutex_);
        body_ = &body;
        count_ = count;
        chunkSize_ = (count + wanted - 1) / wanted;
        nextChunk_ = 0;
        busyWorkers_ = static_cast<int>(workers_.size());
        ++generation_;
    }
    wake_.notify_all();
    runChunks(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return busyWorkers_ == 0; });
    body_ = nullptr;
}

} // namespace normlab::cpu
