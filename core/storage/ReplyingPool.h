#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>

class QThreadPool;

namespace jc {

// A thread pool for work whose answers go back to one object's thread, and which never keeps
// that object's owner waiting for ever. Database reads are the work: one may hang on a lock or
// a dead network for as long as the server lets it, and closing the console or stopping
// `serve` must not hang with it.
//
//   m_pool.start([database, query] {                 // a pool thread: captures no `this`
//       auto rows = std::make_shared<Rows>(query(*database));
//       return [this, rows] { apply(*rows); };      // the receiver's thread, if still open
//   });
//
// The destructor waits for work in flight up to `shutdownDeadline`. Work still going after it
// is left to the process with its pool (a warning says so), and whatever it answers later is
// dropped: so work must own what it uses (shared pointers, copies), never the receiver, which
// its answer alone may touch. Answers already queued on the receiver's thread when the pool
// shuts down are dropped too: no answer runs after shutDown().
//
// Thread: construct, start() and destroy on the receiver's thread.
class ReplyingPool
{
public:
    using Answer = std::function<void()>;
    using Work = std::function<Answer()>;

    ReplyingPool(QObject *receiver, int maxThreads, std::chrono::milliseconds shutdownDeadline,
                 const QString &name);
    ~ReplyingPool();
    ReplyingPool(const ReplyingPool &) = delete;
    ReplyingPool &operator=(const ReplyingPool &) = delete;

    // Runs `work` on a pool thread, then its answer (if any) on the receiver's thread.
    // Ignored after shutDown().
    void start(Work work);
    // What the destructor does, for an owner that must be sure no work runs any more before it
    // goes on: answers stop, and work in flight is waited for up to the deadline. Once only;
    // the destructor then does nothing more.
    void shutDown();
    // Threads are kept (and their database connections with them) rather than expiring.
    void keepThreads();

private:
    class Mailbox;
    std::shared_ptr<Mailbox> m_mailbox;
    std::unique_ptr<QThreadPool> m_pool; // null once shut down
    std::chrono::milliseconds m_shutdownDeadline;
    QString m_name;
};

} // namespace jc
