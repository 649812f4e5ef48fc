#include "storage/InstancePresence.h"

#include "storage/DatabaseClock.h"
#include "storage/HolderSessions.h"
#include "storage/SqlStatement.h"
#include "storage/StorageLog.h"

#include <QRandomGenerator>
#include <QVariant>

#include <limits>

namespace jc {

namespace {

// Takes the lock unless this session holds it already (session locks stack, so taking it
// again each time would need as many unlocks). Returns whether it is held after.
std::optional<bool> holdLock(QSqlDatabase &db, SqlDialect dialect, qint64 key)
{
    const QString sql =
        dialect == SqlDialect::MySql
            ? QStringLiteral("SELECT CASE WHEN IS_USED_LOCK(%1) = CONNECTION_ID() THEN 1 ELSE "
                             "GET_LOCK(%1, 0) END")
                  .arg(HolderSessions::mysqlLockName(QStringLiteral(":key")))
            : QStringLiteral("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks WHERE pid = "
                             "pg_backend_pid() AND locktype = 'advisory' AND granted AND "
                             "objsubid = 2 AND classid = :space::oid AND objid = :key::oid) THEN "
                             "true ELSE pg_try_advisory_lock(:space::int, :key::int) END");
    SqlStatement query(db, sql);
    SqlStatement::Values values{{QStringLiteral(":key"), key}};
    if (dialect != SqlDialect::MySql)
        values.insert(QStringLiteral(":space"), qint64{HolderSessions::LockSpace});
    if (const auto failed = query.exec(values)) {
        qCWarning(lcStorage).noquote()
            << "Could not check this instance's presence lock:" << failed->text();
        return std::nullopt;
    }
    if (!query.next()) {
        qCWarning(lcStorage) << "Could not check this instance's presence lock: no answer";
        return std::nullopt;
    }
    return query.value(0).toBool(); // PostgreSQL: a boolean; MySQL: 1, 0 or NULL
}

void releaseLock(QSqlDatabase &db, SqlDialect dialect, qint64 key)
{
    if (dialect == SqlDialect::MySql) {
        SqlStatement release(db, QStringLiteral("DO RELEASE_LOCK(%1)")
                                     .arg(HolderSessions::mysqlLockName(QStringLiteral(":key"))));
        (void)release.exec({{QStringLiteral(":key"), key}}); // the session's end releases it too
        return;
    }
    SqlStatement release(db, QStringLiteral("SELECT pg_advisory_unlock(:space::int, :key::int)"));
    (void)release.exec({{QStringLiteral(":space"), qint64{HolderSessions::LockSpace}},
                        {QStringLiteral(":key"), key}}); // the session's end releases it too
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
