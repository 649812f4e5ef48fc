#include "storage/DatabaseClock.h"

#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cstdlib>

namespace jc {

DatabaseClock::DatabaseClock(const Clock &base, QObject *parent)
    : Clock(parent)
    , m_base(base)
{
    connect(&base, &Clock::changed, this, &Clock::changed);
}

qint64 DatabaseClock::nowMSecs() const
{
    return m_base.nowMSecs() + skew();
}

std::chrono::milliseconds DatabaseClock::precisionLead() const
{
    return m_base.precisionLead();
}

void DatabaseClock::waitUntil(qint64 msecs) const
{
    m_base.waitUntil(msecs - skew());
}

Expected<qint64, QString> DatabaseClock::measure(QSqlDatabase &db, const Clock &base)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    // The server's time now (not the transaction's start): clock_timestamp() on PostgreSQL;
    // NOW(3) on MySQL, which is the statement's start, as good within a round trip.
    const QString sql =
        sqlDialectForDriver(db.driverName()) == SqlDialect::MySql
            ? QStringLiteral("SELECT CAST(ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)")
            : QStringLiteral("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint");
    const qint64 before = base.nowMSecs();
    if (!query.exec(sql) || !query.next())
        return Unexpected(QStringLiteral("Could not read the database server's clock: %1")
                              .arg(SqlErrors::text(query.lastError())));
    const qint64 after = base.nowMSecs();
    return query.value(0).toLongLong() - (before + (after - before) / 2);
}

Expected<qint64, QString> DatabaseClock::align(QSqlDatabase &db, SqlDialect dialect)
{
    if (dialect == SqlDialect::Sqlite)
        return skew();
    const auto measured = measure(db, m_base);
    if (!measured)
        return Unexpected(measured.error());
    setSkew(measured.value());
    return skew();
}

void DatabaseClock::align(ConnectionFactory &connections)
{
    if (connections.dialect() == SqlDialect::Sqlite)
        return;
    auto db = connections.connectionForCurrentThread();
    const auto aligned = db ? align(db.value(), connections.dialect())
                            : Expected<qint64, QString>(Unexpected(db.error()));
    if (!aligned)
        qCWarning(lcStorage).noquote() << "Using this host's clock as it is:" << aligned.error();
}

void DatabaseClock::setSkew(qint64 skewMSecs)
{
    const qint64 current = skew();
    if (std::llabs(skewMSecs - current) <= ToleranceMSecs)
        return;
    m_skew.store(skewMSecs, std::memory_order_relaxed);
    if (std::llabs(skewMSecs) > 1000)
        qCInfo(lcStorage) << "this host's clock is" << -skewMSecs
                          << "ms off the database server's; using the server's time";
}

} // namespace jc
