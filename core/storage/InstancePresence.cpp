#include "storage/InstancePresence.h"

#include "storage/DatabaseClock.h"
#include "storage/HolderSessions.h"
#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>

namespace jc {

namespace {

// Takes the lock unless this session holds it already (session locks stack, so taking it
// again each time would need as many unlocks). Returns whether it is held after.
std::optional<bool> holdLock(QSqlDatabase &db, SqlDialect dialect, qint64 key)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    bool ok = false;
    if (dialect == SqlDialect::MySql) {
        const QString name = HolderSessions::mysqlLockName(QStringLiteral("?"));
        ok = query.prepare(QStringLiteral("SELECT CASE WHEN IS_USED_LOCK(%1) = CONNECTION_ID() "
                                          "THEN 1 ELSE GET_LOCK(%1, 0) END")
                               .arg(name)) &&
             (query.bindValue(0, key), query.bindValue(1, key), query.exec()) && query.next();
    } else {
        ok = query.prepare(QStringLiteral(
                 "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() "
                 "AND locktype = 'advisory' AND granted AND objsubid = 2 AND classid = ?::oid AND "
                 "objid = ?::oid) THEN true ELSE pg_try_advisory_lock(?::int, ?::int) END")) &&
             (query.bindValue(0, static_cast<qint64>(HolderSessions::LockSpace)),
              query.bindValue(1, key), query.bindValue(2, HolderSessions::LockSpace),
              query.bindValue(3, key), query.exec()) &&
             query.next();
    }
    if (!ok) {
        qCWarning(lcStorage).noquote() << "Could not check this instance's presence lock:"
                                       << SqlErrors::text(query.lastError());
        return std::nullopt;
    }
    return query.value(0).toBool(); // PostgreSQL: a boolean; MySQL: 1, 0 or NULL
}

void releaseLock(QSqlDatabase &db, SqlDialect dialect, qint64 key)
{
    QSqlQuery query(db);
    if (dialect == SqlDialect::MySql) {
        query.prepare(QStringLiteral("DO RELEASE_LOCK(%1)")
                          .arg(HolderSessions::mysqlLockName(QStringLiteral("?"))));
        query.bindValue(0, key);
    } else {
        query.prepare(QStringLiteral("SELECT pg_advisory_unlock(?::int, ?::int)"));
        query.bindValue(0, HolderSessions::LockSpace);
        query.bindValue(1, key);
    }
    query.exec();
}

} // namespace

InstancePresence::InstancePresence(std::shared_ptr<ConnectionFactory> connections, Options options)
    : m_connections(std::move(connections))
    , m_options(options)
{
    if (m_connections->dialect() == SqlDialect::Sqlite)
        return;
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("jc.presence"));
    m_thread->start();
    std::unique_lock lock(m_mutex);
    if (!m_wake.wait_for(lock, m_options.startTimeout, [this] { return m_started; }))
        qCWarning(lcStorage) << "The presence lock was not taken within"
                             << m_options.startTimeout.count()
                             << "ms; this instance's runs are judged by their leases";
}

InstancePresence::~InstancePresence()
{
    if (!m_thread)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread->wait();
}

void InstancePresence::run()
{
    auto db = m_connections->connectionForCurrentThread();
    const bool taken = db && takeFirstLock(db.value());
    if (!db)
        qCWarning(lcStorage).noquote() << "No presence lock:" << db.error();
    {
        std::lock_guard lock(m_mutex);
        m_started = true;
    }
    m_wake.notify_all();
    if (!taken)
        return;
    while (!waitForStop(m_options.checkInterval))
        check();
    // The connection closes when this thread finishes, which releases the lock too; unlocking
    // first says so at once, before any later statement of this process.
    if (auto last = m_connections->connectionForCurrentThread())
        releaseLock(last.value(), m_connections->dialect(), key());
}

// A random key, so that instances need not agree on anything; another session holding it
// (one chance in a billion per instance) just means another draw.
bool InstancePresence::takeFirstLock(QSqlDatabase &db)
{
    for (int attempt = 0; attempt < 8; ++attempt) {
        const qint64 key = QRandomGenerator::global()->bounded(1, std::numeric_limits<int>::max());
        const auto held = holdLock(db, m_connections->dialect(), key);
        if (!held)
            return false;
        if (*held) {
            m_key = key;
            m_held = true;
            if (m_options.clock) {
                // Not fatal (the host's clock serves meanwhile; the next check aligns again),
                // but not silent either.
                if (const auto aligned = m_options.clock->align(db, m_connections->dialect());
                    !aligned)
                    qCWarning(lcStorage).noquote()
                        << "Using this host's clock as it is:" << aligned.error();
            }
            return true;
        }
    }
    return false;
}

void InstancePresence::check()
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db) {
        m_held = false;
        return;
    }
    const auto held = holdLock(db.value(), m_connections->dialect(), key());
    if (held && *held != m_held.load())
        qCInfo(lcStorage) << (*held ? "presence lock held again" : "presence lock lost");
    m_held = held.value_or(false);
    if (m_options.clock) {
        if (const auto skew = DatabaseClock::measure(db.value(), m_options.clock->base()))
            m_options.clock->setSkew(skew.value());
    }
}

bool InstancePresence::waitForStop(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    return m_wake.wait_for(lock, timeout, [this] { return m_stop; });
}

} // namespace jc
