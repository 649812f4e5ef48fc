#include "jobs/StaleCreditPurchaseCleanupJob.h"

#include "jobs/BuiltInDefinition.h"

#include "common/IsoTime.h"
#include "engine/JobContext.h"
#include "storage/SqlStatement.h"
#include "storage/SqlTime.h"
#include "storage/WriteTransaction.h"

#include <QJsonObject>
#include <QSqlQuery>

namespace jc {

namespace {

const QString staleAgeKey = QStringLiteral("staleAgeDays");
const QString rowsPerDeleteKey = QStringLiteral("batchSize");
const QStringList staleStatuses = {QStringLiteral("pending"), QStringLiteral("failed")};

// SQL terms joined by AND, with the values their named placeholders bind. Each name is
// used by one term.
struct Terms
{
    QStringList sql;
    SqlStatement::Values values;

    Terms &add(const QString &term, const SqlStatement::Values &termValues = {})
    {
        sql.append(term);
        values.insert(termValues);
        return *this;
    }
    Terms &add(const Terms &other)
    {
        sql.append(other.sql);
        values.insert(other.values);
        return *this;
    }
    [[nodiscard]] QString joined() const { return sql.join(QStringLiteral(" AND ")); }
};

// Which rows are stale: `range`, a range of the (status, created_at) index they all lie in,
// and `exact`, what a row in that range must also pass (empty when the range is the test).
//
// PostgreSQL and MySQL: created_at is a timestamptz or TIMESTAMP, an instant; the range
// `created_at < cutoff` is the test, and every row can be read.
//
// SQLite: created_at is whatever text its writer chose: CURRENT_TIMESTAMP's "2026-11-25
// 12:00:00" (UTC), the Go driver's "2026-11-25 12:00:00.123456789-08:00", "...Z", ISO with
// "T". Compared as text, "2026-12-02 16:00:01-08:00" (after a cutoff of 2026-12-03 00:00 UTC)
// sorts below it and "2026-12-03 12:59:59+13:00" (before it) above. So a row is stale when
// julianday(created_at) < julianday(cutoff): julianday() honours "Z", "T" and "±HH:MM" and
// reads any number of fraction digits (SQLite's date.c has since at least 3.7.14; checked
// with the 3.40 shell; a SQLite that refused them would make such rows unreadable, never
// stale). It counts whole milliseconds and the cutoff is whole milliseconds, so a row within
// half a millisecond before the cutoff may compare equal and be kept, never a later row
// deleted: the boundary stays strict.
//
// A row is readable when its text starts with "YYYY-MM-DD" and julianday() reads it. The shape
// test keeps out what julianday() would read as something else: a number is a Julian day
// number to it ("2461370.5", or epoch seconds small enough), "now" is now. So integer epoch
// seconds are unreadable: nothing says they are seconds, or UTC. Unreadable rows are never
// stale; the survey counts them.
//
// Speed: an expression on created_at cannot bound an index scan, so the exact test sits
// behind a coarse text range: created_at below the day after the date of cutoff + 15 h. A
// readable row's text starts with its local date, at most 14:59 ahead of its instant (the
// largest offset julianday() reads), so a stale row's text is always below that bound; values
// of other types sort below all text and fail the shape test. The scan reads the stale rows
// plus at most about two days of young ones.
const QString sqliteReadable =
    QStringLiteral("created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND "
                   "julianday(created_at) IS NOT NULL");

struct StaleTest
{
    Terms range;
    Terms exact;
};

StaleTest staleTest(const QDateTime &cutoff, SqlDialect dialect)
{
    StaleTest test;
    if (SqlTime::typedInstants(dialect)) {
        test.range.add(QStringLiteral("created_at < :cutoff"),
                       {{QStringLiteral(":cutoff"), SqlTime::toSql(cutoff, dialect)}});
        return test;
    }
    const QDateTime utc = cutoff.toUTC();
    const QDate textBound = utc.addSecs(qint64(15) * 60 * 60).date().addDays(1);
    test.range.add(QStringLiteral("created_at < :text_bound"),
                   {{QStringLiteral(":text_bound"), textBound.toString(Qt::ISODate)}});
    test.exact.add(sqliteReadable)
        .add(QStringLiteral("julianday(created_at) < julianday(:cutoff)"),
             {{QStringLiteral(":cutoff"),
               utc.toString(SqlTime::sqliteFormat() + QStringLiteral(".zzz"))}});
    return test;
}

struct Counts
{
    qint64 pending = 0;
    qint64 failed = 0;
    [[nodiscard]] qint64 total() const { return pending + failed; }
    void add(const QString &status, qint64 n)
    {
        (status == staleStatuses[0] ? pending : failed) += n;
    }
    [[nodiscard]] QJsonObject toJson() const
    {
        return {{staleStatuses[0], pending}, {staleStatuses[1], failed}};
    }
};

// What the run found: the stale rows, and (SQLite) the rows whose created_at is unreadable.
struct Survey
{
    Counts stale;
    Counts unreadable;
};

// SQLite: one pass over the pending and failed rows of the index, since unreadable values
// can sort anywhere; beside the stale rows there are only a few days of young pending and
// failed ones. PostgreSQL's and MySQL's timestamps always hold an instant: only the range is
// counted.
Expected<Survey, QString> survey(QSqlDatabase &db, const StaleTest &stale, SqlDialect dialect)
{
    const QString statuses = QStringLiteral("status IN ('pending', 'failed')");
    const Terms stalePg = Terms().add(statuses).add(stale.range);
    const Terms staleSqlite = Terms().add(stale.range).add(stale.exact);
    const bool typed = SqlTime::typedInstants(dialect);
    SqlStatement query(
        db, typed ? QStringLiteral("SELECT status, COUNT(*), 0 FROM credit_purchases WHERE %1 "
                                   "GROUP BY status")
                        .arg(stalePg.joined())
                  : QStringLiteral("SELECT status, SUM(CASE WHEN %1 THEN 1 ELSE 0 END), "
                                   "SUM(CASE WHEN %2 THEN 0 ELSE 1 END) FROM credit_purchases "
                                   "WHERE %3 GROUP BY status")
                        .arg(staleSqlite.joined(), sqliteReadable, statuses));
    if (const auto failed = query.exec(typed ? stalePg.values : staleSqlite.values))
        return Unexpected(failed->text());
    Survey result;
    while (query.next()) {
        result.stale.add(query.value(0).toString(), query.value(1).toLongLong());
        result.unreadable.add(query.value(0).toString(), query.value(2).toLongLong());
    }
    return result;
}

// Deletes one status's stale rows in batches of created_at ranges, walking the
// (status, created_at) index forwards so that no batch rescans what earlier ones deleted.
// The range is [lower, upper) on PostgreSQL and MySQL, whose microseconds a QDateTime cannot
// hold (the upper bound is the batch's last created_at truncated to milliseconds plus one),
// and (lower, upper] on SQLite, whose text is read back exactly.
class BatchDeleter
{
public:
    BatchDeleter(JobContext &context, QSqlDatabase &db, SqlDialect dialect, StaleTest stale,
                 int batchSize)
        : m_context(context)
        , m_db(db)
        , m_dialect(dialect)
        , m_stale(std::move(stale))
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
    // Rows of `status` after `lower` (none: from the start).
    [[nodiscard]] Terms after(const QString &status, const QVariant &lower) const
    {
        Terms terms;
        terms.add(QStringLiteral("status = :status"), {{QStringLiteral(":status"), status}});
        if (!lower.isNull())
            terms.add(SqlTime::typedInstants(m_dialect) ? QStringLiteral("created_at >= :lower")
                                                        : QStringLiteral("created_at > :lower"),
                      {{QStringLiteral(":lower"), lower}});
        return terms;
    }

    // The upper bound of the next batch, or null when the rest fits in one batch. It counts
    // the rows of the range, not only the stale ones: no test per row, and a batch holds at
    // most batchSize stale rows all the same.
    Expected<QVariant, QString> batchUpper(const QString &status, const QVariant &lower)
    {
        Terms terms = after(status, lower).add(m_stale.range);
        SqlStatement query(m_db, QStringLiteral("SELECT created_at FROM credit_purchases WHERE "
                                                "%1 ORDER BY created_at LIMIT 1 OFFSET :skip")
                                     .arg(terms.joined()));
        terms.values.insert(QStringLiteral(":skip"), m_batchSize - 1);
        if (const auto failed = query.exec(terms.values))
            return Unexpected(failed->text());
        if (!query.next())
            return QVariant();
        if (!SqlTime::typedInstants(m_dialect))
            return query.value(0);
        const QDateTime last = SqlTime::fromSql(query.value(0), m_dialect);
        return SqlTime::toSql(last.addMSecs(1), m_dialect);
    }

    Expected<qint64, QString> deleteRange(const QString &status, const QVariant &lower,
                                          const QVariant &upper)
    {
        Terms terms = after(status, lower);
        // SQLite bounds an index scan by one upper bound: given the coarse range and the
        // batch's own, it took the coarse one and walked every remaining stale row in each
        // batch, testing each (2.2 s instead of 0.9 s of DELETEs for 315k rows). There the
        // range is only an index bound, redundant below `upper`; on PostgreSQL it is the test.
        if (upper.isNull() || m_stale.exact.sql.isEmpty())
            terms.add(m_stale.range);
        terms.add(m_stale.exact);
        if (!upper.isNull())
            terms.add(SqlTime::typedInstants(m_dialect) ? QStringLiteral("created_at < :upper")
                                                        : QStringLiteral("created_at <= :upper"),
                      {{QStringLiteral(":upper"), upper}});
        SqlStatement query(
            m_db, QStringLiteral("DELETE FROM credit_purchases WHERE %1").arg(terms.joined()));
        if (const auto failed = query.exec(terms.values))
            return Unexpected(failed->text());
        return qint64(query.numRowsAffected());
    }

    JobContext &m_context;
    QSqlDatabase &m_db;
    const SqlDialect m_dialect;
    const StaleTest m_stale;
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

QJsonObject summary(qint64 deleted, const Counts &byStatus, qint64 unreadable,
                    const QDateTime &cutoff,
                    const StaleCreditPurchaseCleanupJob::Settings &settings, bool dryRun)
{
    return {{QStringLiteral("deleted"), deleted},
            {QStringLiteral("byStatus"), byStatus.toJson()},
            {QStringLiteral("skippedUnreadableTime"), unreadable},
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

void logStart(JobContext &context, const QDateTime &cutoff, int staleAgeDays)
{
    context.log().info(
        context.isDryRun() ? QStringLiteral("Stale credit purchase cleanup dry run starting")
                           : QStringLiteral("Stale credit purchase cleanup starting"),
        {{QStringLiteral("cutoff"), IsoTime::format(cutoff, cutoff.time().msec() != 0)},
         {QStringLiteral("staleAgeDays"), staleAgeDays},
         {QStringLiteral("dryRun"), context.isDryRun()}});
}

void warnUnreadable(JobContext &context, const Counts &unreadable)
{
    if (unreadable.total() == 0)
        return;
    context.log().warning(
        QStringLiteral("Skipped purchases whose created_at cannot be read as a time; they "
                       "are kept"),
        {{QStringLiteral("count"), unreadable.total()},
         {QStringLiteral("pending"), unreadable.pending},
         {QStringLiteral("failed"), unreadable.failed}});
}

// Deletes the stale purchases of every status in batches inside `transaction`, adding them to
// `deleted`. When a batch fails or a stop is asked for, everything is rolled back and the
// run's failure is returned; `nothingDeleted` is its summary.
std::optional<JobResult> deleteInBatches(JobContext &context, QSqlDatabase &db, SqlDialect dialect,
                                         const StaleTest &stale, int batchSize, qint64 total,
                                         const QDateTime &cutoff, const QJsonObject &nothingDeleted,
                                         WriteTransaction &transaction, Counts &deleted)
{
    BatchDeleter deleter(context, db, dialect, stale, batchSize);
    for (const QString &status : staleStatuses) {
        QString error;
        if (deleter.deleteStatus(status, deleted, total, error))
            continue;
        transaction.rollback();
        if (!error.isEmpty()) {
            context.log().error(QStringLiteral("Stale credit purchase cleanup failed"),
                                {{QStringLiteral("error"), error}});
            return JobResult::failure(error + QStringLiteral(". Rolled back: nothing was deleted."),
                                      nothingDeleted);
        }
        context.log().info(QStringLiteral("Stale credit purchase cleanup stopped, rolled back"),
                           logFields(deleted, cutoff));
        return JobResult::failure(
            QStringLiteral("Cancelled before the end (%1 of %2 rows deleted then rolled back): "
                           "nothing was deleted; run the job again")
                .arg(deleted.total())
                .arg(total),
            nothingDeleted);
    }
    return std::nullopt;
}

} // namespace

QList<SettingSpec> StaleCreditPurchaseCleanupJob::settingSpecs()
{
    const Settings defaults;
    return {
        SettingSpec::integer(
            staleAgeKey, QStringLiteral("Stale after (days)"), defaults.staleAgeDays, 1, 3650,
            QStringLiteral("Pending and failed purchases created more than this many days "
                           "ago are deleted.")),
        SettingSpec::integer(
            rowsPerDeleteKey, QStringLiteral("Batch size"), defaults.batchSize, 1, 1000000,
            QStringLiteral("Rows per DELETE inside the run's one transaction; a stop is "
                           "checked between batches.")),
    };
}

Expected<StaleCreditPurchaseCleanupJob::Settings, QString>
StaleCreditPurchaseCleanupJob::settingsFrom(const SettingValues &values)
{
    Settings settings;
    settings.staleAgeDays = int(values.integer(staleAgeKey));
    settings.batchSize = int(values.integer(rowsPerDeleteKey));
    if (settings.staleAgeDays < 1 || settings.staleAgeDays > 3650)
        return Unexpected(QStringLiteral("%1: must be between 1 and 3650 days (got %2)")
                              .arg(staleAgeKey)
                              .arg(settings.staleAgeDays));
    if (settings.batchSize < 1)
        return Unexpected(QStringLiteral("%1: must be at least 1 (got %2)")
                              .arg(rowsPerDeleteKey)
                              .arg(settings.batchSize));
    return settings;
}

JobDefinition StaleCreditPurchaseCleanupJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                        const QTimeZone &zone, Settings settings)
{
    return builtInDefinition(name,
                             QStringLiteral("Deletes pending and failed credit purchases created "
                                            "more than %1 days ago; completed and cancelled ones "
                                            "are kept")
                                 .arg(settings.staleAgeDays),
                             QStringLiteral("daily"), zone,
                             [database = std::move(database), settings](JobContext &context) {
                                 return run(context, *database, settings, context.startedAt());
                             });
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
    const StaleTest stale = staleTest(cutoff, dialect);
    auto db = database.connectionForCurrentThread();
    if (!db)
        return JobResult::failure(db.error());
    logStart(context, cutoff, settings.staleAgeDays);

    WriteTransaction transaction(db.value(), database);
    if (!dryRun) {
        if (const auto error = transaction.begin(dialect))
            return JobResult::failure(QStringLiteral("Cannot begin the transaction: ") + *error);
    }
    const auto found = survey(db.value(), stale, dialect);
    if (!found)
        return JobResult::failure(QStringLiteral("Cannot count the stale purchases: ") +
                                  found.error());
    const qint64 total = found->stale.total();
    const qint64 unreadable = found->unreadable.total();
    warnUnreadable(context, found->unreadable);
    context.setProgress(0, total);
    if (dryRun) {
        context.log().info(QStringLiteral("Stale credit purchases counted (dry run)"),
                           logFields(found->stale, cutoff));
        context.setProgress(total, total);
        return JobResult::success(summary(total, found->stale, unreadable, cutoff, settings, true));
    }

    Counts deleted;
    const SqliteCache cache(db.value(), dialect); // until after the commit
    if (auto failed = deleteInBatches(
            context, db.value(), dialect, stale, settings.batchSize, total, cutoff,
            summary(0, {}, unreadable, cutoff, settings, false), transaction, deleted))
        return std::move(*failed);
    if (const auto error = transaction.commit())
        return JobResult::failure(QStringLiteral("Cannot commit the deletion: %1. Nothing was "
                                                 "deleted.")
                                      .arg(*error),
                                  summary(0, {}, unreadable, cutoff, settings, false));
    context.setProgress(deleted.total(), std::max(deleted.total(), total));
    context.log().info(QStringLiteral("Stale credit purchases deleted"),
                       logFields(deleted, cutoff));
    return JobResult::success(
        summary(deleted.total(), deleted, unreadable, cutoff, settings, false));
}

} // namespace jc
