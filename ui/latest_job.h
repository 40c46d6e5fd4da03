// A background job of which only the newest request matters (the Precision and Compare
// views). submit() runs work(request) on Qt's thread pool; while a run is under way a new
// request waits as the pending one, replacing any older pending one, and starts when the
// run ends. A result reaches done(result) on the context object's thread only if no newer
// request came in meanwhile, so a stale result is never shown.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent>

#include <functional>
#include <optional>
#include <utility>

namespace normlab::ui {

template <class Request, class Result> class LatestJob {
  public:
    LatestJob(QObject* context, std::function<Result(const Request&)> work,
              std::function<void(Result)> done)
        : work_(std::move(work))
        , done_(std::move(done)) {
        QObject::connect(&watcher_, &QFutureWatcher<Result>::finished, context,
                         [this] { finished(); });
    }
    ~LatestJob() { watcher_.waitForFinished(); }
    LatestJob(const LatestJob&) = delete;
    LatestJob& operator=(const LatestJob&) = delete;

    void submit(Request request) {
        if (inFlight_) {
            pending_ = std::move(request);
            return;
        }
        start(std::move(request));
    }
    // True from submit() until the newest result has been delivered (a finished run whose
    // signal has not been handled yet still counts).
    bool busy() const { return inFlight_ || pending_.has_value(); }

  private:
    void start(Request request) {
        pending_.reset();
        inFlight_ = true;
        watcher_.setFuture(QtConcurrent::run(
            [work = work_, request = std::move(request)] { return work(request); }));
    }
    void finished() {
        inFlight_ = false;
        if (pending_) return start(*std::exchange(pending_, std::nullopt));
        done_(watcher_.result());
    }

    std::function<Result(const Request&)> work_;
    std::function<void(Result)> done_;
    QFutureWatcher<Result> watcher_;
    std::optional<Request> pending_;
    bool inFlight_ = false;
};

} // namespace normlab::ui
