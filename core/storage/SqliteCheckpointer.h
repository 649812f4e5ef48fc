#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <memory>
#include <mutex>

class QThread;

namespace jc {

class ConnectionFactory;

// Copies a SQLite database's write-ahead log back into the database file on a thread and
// connection of its own, while one connection writes transaction after transaction: the
// Monthly Credit Top-Up's batches. That connection turns its own automatic checkpoints off
// (PRAGMA wal_autocheckpoint = 0) and calls afterCommit() after each COMMIT.
//
// Why: a batch of users in id order changes ~1,000 random pages of `users` (random UUID keys in
// a rowid table), so a run over 1M users writes about a million pages to the log. The writer's
// automatic checkpoint copied them back into the file inside its COMMIT, two fsyncs each time:
// half of the run (docs/BENCHMARKS.md, 1M users: 23-25 s, 15-16 s with this). Here the writer
// only appends to the log while the copying and syncing go on beside it, on another core.
//
// The log must also start over now and then: a log that only grows takes the disk, and makes
// every read of a page search more of its index. SQLite starts it over at a writer's BEGIN once
// everything in it has been copied, which a copy running beside the writer never catches up
// with by itself. So once the last pass found at least `logFramesLimit` frames in the log,
// afterCommit() waits for a pass that began after that commit (a short one: the passes before
// have copied the rest), and the next BEGIN starts the log over. A reader elsewhere that still
// needs older pages (a console's open read) stops a pass short, as it stops any checkpoint; the
// log then grows as it would have anyway, and the writer does not wait again until it has grown
// by `logFramesLimit` more.
//
// Durability is unchanged: the passes are PASSIVE checkpoints, SQLite's own, on a connection
// with synchronous=NORMAL like every other (ConnectionFactory). A failed pass (another
// checkpoint under way, a disk error) is logged at debug level and counts as done: the next
// one, or the writer's automatic checkpoint once it is back on, copies what is left.
//
// Thread-safe. afterCommit() is for the writer's thread; the destructor finishes the pass under
// way and one more for what the last commits wrote, then closes the connection on its thread.
class SqliteCheckpointer
{
public:
    // A checkpointer on its own connection to `database` (SQLite), or null when that connection
    // cannot be opened (warned): the writer then keeps its automatic checkpoints.
    static std::unique_ptr<SqliteCheckpointer> start(ConnectionFactory &database,
                                                     qint64 logFramesLimit);
    ~SqliteCheckpointer();

    SqliteCheckpointer(const SqliteCheckpointer &) = delete;
    SqliteCheckpointer &operator=(const SqliteCheckpointer &) = delete;

    // After each COMMIT of the writer: asks for a pass, and waits for one when the log has grown
    // to the limit (above).
    void afterCommit();
    // Waits until the passes asked for so far have ended: everything committed before the call
    // that no reader holds back is then in the file.
    void waitForPasses();

    struct Figures
    {
        qint64 passes = 0;       // ended
        qint64 waits = 0;        // afterCommit() calls that waited
        qint64 waitedMSecs = 0;  // in all
        qint64 logFrames = 0;    // in the log at the last pass (0 after a wait that copied all)
        qint64 copiedFrames = 0; // of those, in the file after it
    };
    [[nodiscard]] Figures figures() const;

private:
    SqliteCheckpointer(ConnectionFactory &database, qint64 logFramesLimit);
    void run();
    bool openConnection();
    void pass();

    ConnectionFactory &m_database;
    const qint64 m_limit;
    std::unique_ptr<QThread> m_thread;
    // std:: rather than QMutex and QWaitCondition: ThreadSanitizer (CI) sees through these, not
    // through Debian's Qt, and took a wait on a QWaitCondition for a mutex still held.
    mutable std::mutex m_mutex;
    std::condition_variable m_asked; // the writer asked for a pass, or to stop
    std::condition_variable m_ended; // a pass ended, or the connection's open was tried
    qint64 m_requested = 0;          // afterCommit() calls so far
    qint64 m_served = 0;             // requests made before the last ended pass began
    qint64 m_waitAbove = 0;          // afterCommit() waits once the log has this many frames
    Figures m_figures;
    int m_opened = -1; // -1 not tried yet, 0 failed, 1 open
    bool m_stop = false;
};

} // namespace jc
