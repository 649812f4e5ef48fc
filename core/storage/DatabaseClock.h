#pragma once

#include "common/Expected.h"
#include "engine/Clock.h"
#include "storage/ConnectionFactory.h"
#include "storage/SqlDialect.h"

#include <QSqlDatabase>

#include <atomic>

namespace jc {

// The time as the database's server tells it, for a scheduler or reader that shares that
// database with instances on other hosts. Leases compare one instance's heartbeat with
// another's "now": if each used its own wall clock, an instance whose clock ran 45 s ahead
// would take every other instance's live run for dead. So every process that talks to a
// server database (PostgreSQL, MySQL) keeps its clock aligned to the server's: the base clock
// (the system's) plus a measured skew. All instants it writes (starts, heartbeats, finishes)
// and every lease it checks are then in the one clock of the database.
//
// The skew is measured by align() (at open, then by InstancePresence every few seconds) as
// the server's time minus the midpoint of the round trip; it changes only when it moves by
// more than `Tolerance`, so that network jitter does not make time step back and forth.
// SQLite lives on one host, with one clock: align() does nothing and the skew stays 0.
//
// Thread: nowMSecs() and setSkew() from any thread.
class DatabaseClock final : public Clock
{
    Q_OBJECT
public:
    static constexpr qint64 ToleranceMSecs = 250;

    explicit DatabaseClock(const Clock &base, QObject *parent = nullptr);

    [[nodiscard]] qint64 nowMSecs() const override;
    [[nodiscard]] std::chrono::milliseconds precisionLead() const override;
    void waitUntil(qint64 msecs) const override;

    // Measures the server's clock on `db` and adopts its skew. Returns the skew.
    Expected<qint64, QString> align(QSqlDatabase &db, SqlDialect dialect);
    // The same on the calling thread's connection; a failure is logged and the skew kept
    // (the programs align once at start, and a scheduler's presence keeps it aligned).
    void align(ConnectionFactory &connections);
    // Adopts a skew measured elsewhere (server time minus base time), unless it is within
    // the tolerance of the current one.
    void setSkew(qint64 skewMSecs);
    [[nodiscard]] qint64 skew() const { return m_skew.load(std::memory_order_relaxed); }

    [[nodiscard]] const Clock &base() const { return m_base; }

    // One measurement: the server's time minus the base clock's, at the round trip's midpoint.
    static Expected<qint64, QString> measure(QSqlDatabase &db, const Clock &base);

private:
    const Clock &m_base;
    std::atomic<qint64> m_skew{0};
};

} // namespace jc
