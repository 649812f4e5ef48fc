#include "jobs/StaleCreditPurchaseCleanupJob.h"

#include "common/IsoTime.h"
#include "engine/JobContext.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"
#include "storage/WriteTransaction.h"

#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace jc {

namespace {

const QString staleAgeKey = QStringLiteral("staleAgeDays");
const QString batchSizeKey = QStringLiteral("batchSize");
const QStringList staleStatuses = {QStringLiteral("pending"), QStringLiteral("failed")};

SettingSpec integer(const QString &key, const QString &label, int defaultValue, qint64 minimum,
                    qint64 maximum, const QString &help)
{
    return {key, label, {}, SettingSpec::Kind::Integer, defaultValue, minimum, maximum, help, {}};
}

// The cutoff as bound against created_at. PostgreSQL compares instants. SQLite compares the
// documented text "YYYY-MM-DD HH:MM:SS" (SqlTime): a cutoff with milliseconds gets them as a
// ".zzz" suffix, so "12:00:00" < "12:00:00.500" (stale) while a whole-second cutoff stays
// without, so a row created exactly at the cutoff is not below it (kept: the boundary is strict).
QVariant cutoffValue(const QDateTime &cutoff, SqlDialect dialect)
{
    if (dialect == SqlDialect::Sqlite && cutoff.time().msec() != 0)
        return cutoff.toUTC().toString(SqlTime::sqliteFormat() + QStringLiteral(".zzz"));
    return SqlTime::toSql(cutoff, dialect);
}

struct Counts
{
    qint64 pending = 0;
    qint64 failed = 0;
    qint64 total() const { return pending + failed; }
    void add(const QString &status, qint64 n)
    {
        (status == staleStatuses[0] ? pending : failed) += n;
    }
    QJsonObject toJson() const { return {{staleStatuses[0], pending}, {staleStatuses[1], failed}}; }
};

Expected<Counts, QString> countStale(QSqlDatabase &db, const QVariant &cutoff)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT status, COUNT(*) FROM credit_purchases WHERE status IN "
                                 "('pending', 'failed') AND created_at < ? GROUP BY status"));
    query.addBindValue(cutoff);
    if (!query.exec())
        return SqlErrors::text(query.lastError());
    Counts counts;
    while (query.next())
        counts.add(query.value(0).toString(), query.value(1).toLongLong());
    return counts;
}

// Deletes one status's stale rows in batches of created_at ranges, walking the
// (status, created_at) index forwards so that no batch rescans what earlier ones deleted.
// The range is [lower, upper) on PostgreSQL, whose microseconds a QDateTime cannot hold (the
// upper bound is the batch's last created_at truncated to milliseconds plus one), and
// (lower, upper] on SQLite, whose text is read back exactly.
class BatchDeleter
{
public:
    BatchDeleter(JobContext &context, QSqlDatabase &db, SqlDialect dialect, QVariant cutoff,
                 int batchSize)
        : m_context(context)
        , m_db(db)
        , m_pg(dialect == SqlDialect::Postgres)
        , m_cutoff(std::move(cutoff))
        , m_batchSize(batchSize)
    {}

    // Deleted rows of `status` added to `deleted`; false with `error` empty when stopped.
    bool deleteStatus(const QString &status, Counts &deleted, qint64 total, QString &error)
    {
        QVariant lower;
        while (true) {
            if (m_context.isStopRequested())
                return false;
            const auto upper = batchUpper(status, lower);
            if (!upper) {
                error = upper.error();
                return false;
            }
            const auto n = deleteRange(status, lower, upper.value());
            if (!n) {
                error = n.error();
                return false;
            }
            deleted.add(status, n.value());
            m_context.log().debug(
                QStringLiteral("Deleted a batch of stale purchases"),
                {{QStringLiteral("status"), status}, {QStringLiteral("count"), n.value()}});
            m_context.setProgress(deleted.total(), total);
            if (upper->isNull())
                return true;
            lower = upper.value();
        }
    }

private:
    QString lowerCondition(const QVariant &lower) const
    {
        if (lower.isNull())
            return {};
        return m_pg ? QStringLiteral(" AND created_at >= ?")
                    : QStringLiteral(" AND created_at > ?");
    }

    // The upper bound of the next batch, or null when the rest fits in one batch.
    Expected<QVariant, QString> batchUpper(const QString &status, const QVariant &lower)
    {
        QSqlQuery query(m_db);
        query.prepare(QStringLiteral("SELECT created_at FROM credit_purchases WHERE status = ? "
                                     "AND created_at < ?%1 ORDER BY created_at LIMIT 1 OFFSET ?")
                          .arg(lowerCondition(lower)));
        query.addBindValue(status);
        query.addBindValue(m_cutoff);
        if (!lower.isNull())
            query.addBindValue(lower);
        query.addBindValue(m_batchSize - 1);
        if (!query.exec())
            return SqlErrors::text(query.lastError());
        if (!query.next())
            return QVariant();
        if (!m_pg)
            return query.value(0);
        const QDateTime last = SqlTime::fromSql(query.value(0), SqlDialect::Postgres);
        return SqlTime::toSql(last.addMSecs(1), SqlDialect::Postgres);
    }

    Expected<qint64, QString> deleteRange(const QString &status, const QVariant &lower,
                                          const QVariant &upper)
    {
        QString sql = QStringLiteral("DELETE FROM credit_purchases WHERE status = ? AND "
                                     "created_at < ?") +
                      lowerCondition(lower);
        if (!upper.isNull())
            sql += m_pg ? QStringLiteral(" AND created_at < ?")
                        : QStringLiteral(" AND created_at <= ?");
        QSqlQuery query(m_db);
        query.prepare(sql);
        query.addBindValue(status);
        query.addBindValue(m_cutoff);
        if (!lower.isNull())
            query.addBindValue(lower);
        if (!upper.isNull())
            query.addBindValue(upper);
        if (!query.exec())
            return SqlErrors::text(query.lastError());
        return qint64(query.numRowsAffected());
    }

    JobContext &m_context;
    QSqlDatabase &m_db;
    const bool m_pg;
    const QVariant m_cutoff;
    const int m_batchSize;
};

// SQLite: deleting a third of a million purchases touches pages of four b-trees (the table,
// its id and stripe_session_id keys, the status index) all over the file; the default 2 MB
// page cache makes that several times slower. The thread's connection gets 128 MB for the
// run and its own size back afterwards.
class SqliteCache
{
public:
    SqliteCache(QSqlDatabase &db, SqlDialect dialect)
        : m_db(db)
    {
        if (dialect != SqlDialect::Sqlite)
            return;
        QSqlQuery query(m_db);
        if (query.exec(QStringLiteral("PRAGMA cache_size")) && query.next())
            m_previous = query.value(0);
        query.exec(QStringLiteral("PRAGMA cache_size = -131072"));
    }
    ~SqliteCache()
    {
        if (m_previous.isValid())
            QSqlQuery(m_db).exec(
                QStringLiteral("PRAGMA cache_size = %1").arg(m_previous.toLongLong()));
    }
    SqliteCache(const SqliteCache &) = delete;
    SqliteCache &operator=(const SqliteCache &) = delete;

private:
    QSqlDatabase &m_db;
    QVariant m_previous;
};

QJsonObject summary(qint64 deleted, const Counts &byStatus, const QDateTime &cutoff,
                    const StaleCreditPurchaseCleanupJob::Settings &settings, bool dryRun)
{
    return {{QStringLiteral("deleted"), deleted},
            {QStringLiteral("byStatus"), byStatus.toJson()},
            {QStringLiteral("cutoff"), IsoTime::format(cutoff, cutoff.time().msec() != 0)},
            {QStringLiteral("staleAgeDays"), settings.staleAgeDays},
            {QStringLiteral("dryRun"), dryRun}};
}

QVariantMap logFields(const Counts &counts, const QDateTime &cutoff)
{
    return {{QStringLiteral("cutoff"), IsoTime::format(cutoff, cutoff.time().msec() != 0)},
            {QStringLiteral("pending"), counts.pending},
            {QStringLiteral("failed"), counts.failed},
            {QStringLiteral("total"), counts.total()}};
}

} // namespace

QList<SettingSpec> StaleCreditPurchaseCleanupJob::settingSpecs()
{
    const Settings defaults;
    return {
        integer(staleAgeKey, QStringLiteral("Stale after (days)"), defaults.staleAgeDays, 1, 3650,
                QStringLiteral("Pending and failed purchases created more than this many days "
                               "ago are deleted.")),
        integer(batchSizeKey, QStringLiteral("Batch size"), defaults.batchSize, 1, 1000000,
                QStringLiteral("Rows per DELETE inside the run's one transaction; a stop is "
                               "checked between batches.")),
    };
}

Expected<StaleCreditPurchaseCleanupJob::Settings, QString>
StaleCreditPurchaseCleanupJob::settingsFrom(const SettingValues &values)
{
    Settings settings;
    settings.staleAgeDays = int(values.integer(staleAgeKey));
    settings.batchSize = int(values.integer(batchSizeKey));
    if (settings.staleAgeDays < 1 || settings.staleAgeDays > 3650)
        return QStringLiteral("%1: must be between 1 and 3650 days (got %2)")
            .arg(staleAgeKey)
            .arg(settings.staleAgeDays);
    if (settings.batchSize < 1)
        return QStringLiteral("%1: must be at least 1 (got %2)")
            .arg(batchSizeKey)
            .arg(settings.batchSize);
    return settings;
}

JobDefinition StaleCreditPurchaseCleanupJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                        const QTimeZone &zone)
{
    return definition(std::move(database), zone, Settings());
}

JobDefinition StaleCreditPurchaseCleanupJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                        const QTimeZone &zone, Settings settings)
{
    JobDefinition def;
    def.name = QString::fromLatin1(name);
    def.description = QStringLiteral("Deletes pending and failed credit purchases created more "
                                     "than %1 days ago; completed and cancelled ones are kept")
                          .arg(settings.staleAgeDays);
    def.schedule = Schedule::parse(QStringLiteral("daily"), zone).value();
    def.body = [database = std::move(database), settings](JobContext &context) {
        return run(context, *database, settings, QDateTime::currentDateTimeUtc());
    };
    return def;
}

QDateTime StaleCreditPurchaseCleanupJob::cutoffFor(const QDateTime &now, int staleAgeDays)
{
    return now.toUTC().addMSecs(-qint64(staleAgeDays) * 24 * 60 * 60 * 1000);
}

JobResult StaleCreditPurchaseCleanupJob::run(JobContext &context, ConnectionFactory &database,
                                             const Settings &settings, const QDateTime &now)
{
    if (settings.staleAgeDays < 1 || settings.batchSize < 1)
        return JobResult::failure(
            QStringLiteral("staleAgeDays and batchSize must be at least 1 (got %1 and %2)")
                .arg(settings.staleAgeDays)
                .arg(settings.batchSize));
    const bool dryRun = context.isDryRun();
    const QDateTime cutoff = cutoffFor(now, settings.staleAgeDays);
    const SqlDialect dialect = database.dialect();
    const QVariant bound = cutoffValue(cutoff, dialect);
    auto db = database.connectionForCurrentThread();
    if (!db)
        return JobResult::failure(db.error());
    context.log().info(
        dryRun ? QStringLiteral("Stale credit purchase cleanup dry run starting")
               : QStringLiteral("Stale credit purchase cleanup starting"),
        {{QStringLiteral("cutoff"), IsoTime::format(cutoff, cutoff.time().msec() != 0)},
         {QStringLiteral("staleAgeDays"), settings.staleAgeDays},
         {QStringLiteral("dryRun"), dryRun}});

    WriteTransaction transaction(db.value(), database);
    if (!dryRun) {
        if (const auto error = transaction.begin(dialect))
            return JobResult::failure(QStringLiteral("Cannot begin the transaction: ") + *error);
    }
    const auto stale = countStale(db.value(), bound);
    if (!stale)
        return JobResult::failure(QStringLiteral("Cannot count the stale purchases: ") +
                                  stale.error());
    context.setProgress(0, stale->total());
    if (dryRun) {
        context.log().info(QStringLiteral("Stale credit purchases counted (dry run)"),
                           logFields(stale.value(), cutoff));
        context.setProgress(stale->total(), stale->total());
        return JobResult::success(summary(stale->total(), stale.value(), cutoff, settings, true));
    }

    Counts deleted;
    const SqliteCache cache(db.value(), dialect);
    BatchDeleter deleter(context, db.value(), dialect, bound, settings.batchSize);
    for (const QString &status : staleStatuses) {
        QString error;
        if (deleter.deleteStatus(status, deleted, stale->total(), error))
            continue;
        transaction.rollback();
        if (!error.isEmpty()) {
            context.log().error(QStringLiteral("Stale credit purchase cleanup failed"),
                                {{QStringLiteral("error"), error}});
            return JobResult::failure(error + QStringLiteral(". Rolled back: nothing was deleted."),
                                      summary(0, {}, cutoff, settings, false));
        }
        context.log().info(QStringLiteral("Stale credit purchase cleanup stopped, rolled back"),
                           logFields(deleted, cutoff));
        return JobResult::failure(
            QStringLiteral("Cancelled before the end (%1 of %2 rows deleted then rolled back): "
                           "nothing was deleted; run the job again")
                .arg(deleted.total())
                .arg(stale->total()),
            summary(0, {}, cutoff, settings, false));
    }
    if (const auto error = transaction.commit())
        return JobResult::failure(QStringLiteral("Cannot commit the deletion: %1. Nothing was "
                                                 "deleted.")
                                      .arg(*error),
                                  summary(0, {}, cutoff, settings, false));
    context.setProgress(deleted.total(), std::max(deleted.total(), stale->total()));
    context.log().info(QStringLiteral("Stale credit purchases deleted"),
                       logFields(deleted, cutoff));
    return JobResult::success(summary(deleted.total(), deleted, cutoff, settings, false));
}

} // namespace jc
