#pragma once

#include "storage/ConnectionFactory.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace jc {

class DatabaseClock;

// A scheduler instance's presence on a PostgreSQL server: for its whole life it holds one
// session-level advisory lock (HolderSessions::LockSpace, key()) on a connection of its own,
// and every run it claims records that key (jc_runs.session_lock). The server releases the
// lock when the session ends: killed process, crashed host, dropped connection. Any process on
// any host then sees within one read that the holder is gone (HolderSessions, RunLiveness),
// instead of waiting for its lease.
//
// A thread of its own checks every `checkInterval` that the lock is still held and takes it
// again on a new connection after the server restarted (HolderSessions allows for that), and
// keeps `clock` (when given) aligned to the server's clock.
//
// On SQLite it does nothing and key() is 0: there the holder's process identity decides.
// If the lock cannot be taken at start (server unreachable), key() stays 0 for this instance's
// life and its runs are judged by their leases, as before.
//
// Thread: constructed and destroyed on one thread; key() and isHeld() from any thread.
class InstancePresence
{
public:
    struct Options
    {
        std::chrono::milliseconds checkInterval{std::chrono::seconds(2)};
        std::chrono::milliseconds startTimeout{std::chrono::seconds(5)};
        DatabaseClock *clock = nullptr; // aligned at each check; must outlive this
    };

    // Takes the lock (waits up to startTimeout for it) and keeps it until destroyed.
    InstancePresence(std::shared_ptr<ConnectionFactory> connections, Options options);
    ~InstancePresence();
    InstancePresence(const InstancePresence &) = delete;
    InstancePresence &operator=(const InstancePresence &) = delete;

    // The lock's key, as runs record it; 0 when there is none (SQLite, or it failed at start).
    [[nodiscard]] qint64 key() const { return m_key.load(); }
    // Whether the last check found the lock held.
    [[nodiscard]] bool isHeld() const { return m_held.load(); }

private:
    void run();
    bool takeFirstLock(QSqlDatabase &db);
    void check();
    bool waitForStop(std::chrono::milliseconds timeout);

    std::shared_ptr<ConnectionFactory> m_connections;
    Options m_options;
    std::atomic<qint64> m_key{0};
    std::atomic<bool> m_held{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_started = false;
    bool m_stop = false;
    std::unique_ptr<QThread> m_thread;
};

} // namespace jc
