#include "jobs/CreditTopUpSql.h"

#include "jobs/CreditTopUpStatements.h"

#include "engine/SystemClock.h"
#include "storage/ConnectionFactory.h"
#include "storage/MigrationCatalog.h"
#include "storage/SqlTime.h"
#include "storage/StorageLog.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <atomic>

namespace jc {

namespace {

// The date of `instant` (UTC) as text that sorts before every SQLite text form of that day.
QString sqliteDay(const QDateTime &instant)
{
    return instant.toUTC().toString(QStringLiteral("yyyy-MM-dd"));
}

// "tttttttt-tttt-7sss-": 48 bits of Unix milliseconds, version 7, 12 bits of sequence.
QString auditIdPrefix()
{
    // From 0, so that the 12 bits wrap only after 4,096 batches: a random start would let two
    // batches of one millisecond straddle the wrap, and the later one's ids sort first. Two
    // processes that share a prefix are kept apart by the ids' random bits (insertAuditSql).
    static std::atomic<quint32> sequence{0};
    const quint64 ms = quint64(SystemClock::wallMSecs()) & 0xFFFFFFFFFFFFull;
    const QString time = QStringLiteral("%1").arg(ms, 12, 16, QLatin1Char('0'));
    const QString seq =
        QStringLiteral("%1").arg(sequence.fetch_add(1) & 0xFFFu, 3, 16, QLatin1Char('0'));
    return time.left(8) + u'-' + time.mid(8) + QStringLiteral("-7") + seq + u'-';
}

// A key to bind: never NULL ("" is before every id, a null QString would bind NULL).
QVariant key(const QString &id)
{
    return id.isNull() ? QVariant(QStringLiteral("")) : QVariant(id);
}

qint64 integerAt(const SqlStatement &statement, int column)
{
    return statement.value(column).toLongLong();
}

} // namespace

CreditTopUpSql::CreditTopUpSql(QSqlDatabase db, SqlDialect dialect, QString period, Bounds bounds)
    : m_db(db)
    , m_dialect(dialect)
    , m_period(std::move(period))
    , m_bounds(std::move(bounds))
    , m_surveyUsers(m_db, CreditTopUpStatements::surveyUsersSql())
    , m_countGranted(m_db, QStringLiteral("SELECT COUNT(*) FROM credit_adjustments WHERE period = "
                                          ":period"))
    , m_findOwed(m_db, CreditTopUpStatements::findOwedSql(dialect))
    , m_nextRange(m_db, QStringLiteral("SELECT MAX(id), COUNT(*) FROM (SELECT id FROM users "
                                       "WHERE id > :after ORDER BY id LIMIT :size) b"))
    , m_boundaries(m_db, QStringLiteral("SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY "
                                        "id) AS n FROM users) b WHERE n % :size = 0 ORDER BY id"))
    , m_clearChosen(m_db, QStringLiteral("DELETE FROM jc_credit_topup_chosen"))
    , m_chooseOwed(m_db, CreditTopUpStatements::chooseOwedSql(dialect))
    , m_chooseNext(m_db, CreditTopUpStatements::chooseNextSql())
    , m_chosenRange(m_db, CreditTopUpStatements::chosenRangeSql())
    , m_insertAudit(m_db, CreditTopUpStatements::insertAuditSql(dialect))
    , m_updateBalances(m_db, CreditTopUpStatements::updateBalancesSql(dialect))
    , m_chosenByLimit(m_db, CreditTopUpStatements::chosenByLimitSql())
    , m_owedByLimit(m_db, CreditTopUpStatements::owedByLimitSql(dialect))
    , m_countLegacy(m_db, CreditTopUpStatements::countLegacySql(dialect))
    , m_adoptLegacy(m_db, CreditTopUpStatements::adoptLegacySql(dialect))
    , m_switchOver(m_db, QStringLiteral("SELECT applied_at_ms FROM jc_schema_version WHERE "
                                        "version = :version"))
    , m_legacySince(m_db, CreditTopUpStatements::legacySinceSql(dialect))
{}

Expected<std::unique_ptr<CreditTopUpSql>, QSqlError>
CreditTopUpSql::open(ConnectionFactory &database, QSqlDatabase db, const QString &period,
                     const Bounds &bounds)
{
    const SqlDialect dialect = database.dialect();
    std::unique_ptr<CreditTopUpSql> sql(new CreditTopUpSql(db, dialect, period, bounds));
    if (auto error = sql->createChosenTable())
        return Unexpected(*error);
    if (dialect == SqlDialect::Sqlite) {
        if (auto error = sql->tuneSqlite(database))
            return Unexpected(*error);
    }
    if (auto error = sql->prepareAll())
        return Unexpected(*error);
    return sql;
}

// SQLite: the work table in memory rather than in a temporary file (this connection only;
// changing temp_store drops its temporary tables, so it comes before the CREATE).
// PostgreSQL would print a NOTICE for every IF NOT EXISTS that finds the table (after each
// retry), so it is asked first.
std::optional<QSqlError> CreditTopUpSql::createChosenTable()
{
    if (m_dialect == SqlDialect::Sqlite) {
        if (auto error = execText(QStringLiteral("PRAGMA temp_store = MEMORY")))
            return error;
        return execText(CreditTopUpStatements::createChosen(m_dialect));
    }
    if (m_dialect == SqlDialect::MySql)
        return createChosenMySqlTable();
    QSqlQuery exists(m_db);
    if (!exists.exec(
            QStringLiteral("SELECT to_regclass('pg_temp.jc_credit_topup_chosen') IS NOT NULL")))
        return exists.lastError();
    if (exists.next() && exists.value(0).toBool())
        return std::nullopt;
    return execText(CreditTopUpStatements::createChosen(m_dialect));
}

// MySQL: a MEMORY table (300 batches' choice of owed users: 2.2 s into an InnoDB temporary
// table, 1.6 s into a MEMORY one; the SELECT alone 1.2 s). It ignores transactions, which the
// batch does not need: apply() empties it before each batch and every statement of a batch
// reads only that batch's rows. Its size is fixed when it is created, by the session's
// max_heap_table_size (16 MiB by default: ~49,000 rows of ~340 bytes with their B-tree key in
// utf8mb4, below the largest batch, BatchSizer::maxUsers); raised to 64 MiB (~198,000 rows)
// for the CREATE only. A server that refuses MEMORY tables
// (MariaDB's enforce_storage_engine, as Galera clusters set it, or MySQL's
// disabled_storage_engines, under NO_ENGINE_SUBSTITUTION) gets the default engine's table
// instead: slower, and the same grants. A note, not an error, when it exists.
std::optional<QSqlError> CreditTopUpSql::createChosenMySqlTable()
{
    const auto collation = usersIdCollation();
    if (!collation)
        return collation.error();
    m_chosenInUsersOrder = !collation.value().isEmpty();
    if (auto error = compareAcrossCollations(collation.value()))
        return error;
    const QString create = CreditTopUpStatements::createChosen(m_dialect, collation.value());
    if (!createInMemory(create + QStringLiteral(" ENGINE=MEMORY")))
        return std::nullopt;
    return execText(create);
}

// Runs `create` with max_heap_table_size raised for it; the CREATE's error, if any.
std::optional<QSqlError> CreditTopUpSql::createInMemory(const QString &create)
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT @@session.max_heap_table_size")) || !query.next())
        return query.lastError();
    const qint64 previous = query.value(0).toLongLong();
    query.finish();
    constexpr qint64 enough = qint64(64) * 1024 * 1024;
    if (auto error = execText(
            QStringLiteral("SET SESSION max_heap_table_size = %1").arg(std::max(previous, enough))))
        return error;
    auto created = execText(create);
    // Best effort: a session left with the larger limit only lets its own MEMORY tables grow.
    execText(QStringLiteral("SET SESSION max_heap_table_size = %1").arg(previous));
    return created;
}

// MySQL compares text under a collation, and refuses to compare two columns of different ones
// ("Illegal mix of collations"). A temporary table takes the database's default, which need
// not be that of the app's users.id (a table created with only a character set takes the
// set's default), so the work table's user_id is declared with the collation of users.id.
Expected<QString, QSqlError> CreditTopUpSql::usersIdCollation()
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE "
                                   "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND "
                                   "COLUMN_NAME = 'id'")))
        return Unexpected(query.lastError());
    const QString name = query.next() ? query.value(0).toString() : QString();
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9_]+$"));
    return word.match(name).hasMatch() ? name : QString();
}

// The app's tables were created by its migrations under whatever default the server had then:
// after an upgrade between two of them, users.id and credit_adjustments.user_id may have
// different collations of one character set (utf8mb4_unicode_ci and utf8mb4_general_ci), or
// different sets. MySQL refuses to compare such columns, and every batch failed. The
// statements that look users up in credit_adjustments then convert users' side to the
// audit column's collation (CreditTopUpStatements::auditUserId).
std::optional<QSqlError> CreditTopUpSql::compareAcrossCollations(const QString &usersIdCollation)
{
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM "
                                   "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                   "AND TABLE_NAME = 'credit_adjustments' AND COLUMN_NAME = "
                                   "'user_id'")))
        return query.lastError();
    if (!query.next() || query.value(1).isNull() || query.value(1).toString() == usersIdCollation)
        return std::nullopt;
    const QString userId =
        CreditTopUpStatements::auditUserId(query.value(0).toString(), query.value(1).toString());
    qCInfo(lcStorage).noquote()
        << QStringLiteral("users.id (%1) and credit_adjustments.user_id (%2) differ in "
                          "collation: users' ids are compared as %3")
               .arg(usersIdCollation.isEmpty() ? QStringLiteral("binary") : usersIdCollation,
                    query.value(1).toString(), userId);
    m_findOwed = SqlStatement(m_db, CreditTopUpStatements::findOwedSql(m_dialect, userId));
    m_chooseOwed = SqlStatement(m_db, CreditTopUpStatements::chooseOwedSql(m_dialect, userId));
    m_chooseNext = SqlStatement(m_db, CreditTopUpStatements::chooseNextSql(userId));
    m_owedByLimit = SqlStatement(m_db, CreditTopUpStatements::owedByLimitSql(m_dialect, userId));
    return std::nullopt;
}

// SQLite, for this connection while the run lasts (as the seeder does):
//  - a cache that holds the pages random UUID keys touch;
//  - the log copied back into the file beside the batches, by a SqliteCheckpointer, instead
//    of by this connection's automatic checkpoints inside every twentieth COMMIT or so (each
//    batch of users in id order writes ~1,000 random pages of `users` to the log; 1M users:
//    23-25 s, 15-16 s beside; see that class). Without WAL, or without the checkpointer's
//    connection, the automatic checkpoints stay, at checkpointLogFrames rather than SQLite's
//    1,000 pages (each rewrites pages into the database file at random);
//  - reads of the database file through a memory map: each batch lands on ~1,000 random pages
//    of `users` that the cache no longer holds, and a mapped read spares a pread() and its
//    copy for each (1M users: 1.6 million preads; the run 35-38 s -> 28-31 s). The map holds
//    no memory of its own: its pages are the kernel's file cache (they count in the process's
//    resident set while mapped).
// Restored by the destructor; durability is unchanged (SQLite writes through its file, never
// the map, and the checkpointer's are SQLite's own checkpoints).
std::optional<QSqlError> CreditTopUpSql::tuneSqlite(ConnectionFactory &database)
{
    QSqlQuery query(m_db);
    const auto read = [&query](const QString &pragma) {
        return query.exec(QStringLiteral("PRAGMA ") + pragma) && query.next()
                   ? query.value(0).toString()
                   : QString();
    };
    const QString cache = read(QStringLiteral("cache_size"));
    const QString checkpoint = read(QStringLiteral("wal_autocheckpoint"));
    const QString map = read(QStringLiteral("mmap_size"));
    const QString journal = read(QStringLiteral("journal_mode"));
    query.finish();
    // Noted before anything changes: a pragma that fails below leaves the object to be
    // destroyed, and its destructor puts back what the ones before it changed (the connection
    // is the thread's, used again by the next run).
    if (!cache.isEmpty())
        m_restore.append(QStringLiteral("PRAGMA cache_size = ") + cache);
    if (!checkpoint.isEmpty())
        m_restore.append(QStringLiteral("PRAGMA wal_autocheckpoint = ") + checkpoint);
    if (!map.isEmpty())
        m_restore.append(QStringLiteral("PRAGMA mmap_size = ") + map);
    if (auto error = execText(QStringLiteral("PRAGMA cache_size = -131072")))
        return error;
    if (journal == QLatin1String("wal"))
        m_checkpointer = SqliteCheckpointer::start(database, checkpointLogFrames);
    if (auto error = execText(QStringLiteral("PRAGMA wal_autocheckpoint = %1")
                                  .arg(m_checkpointer ? 0 : checkpointLogFrames)))
        return error;
    // 1 GiB of address space; a build whose SQLITE_MAX_MMAP_SIZE is lower takes its maximum.
    if (auto error = execText(QStringLiteral("PRAGMA mmap_size = 1073741824")))
        return error;
    return std::nullopt;
}

CreditTopUpSql::~CreditTopUpSql()
{
    for (const QString &pragma : std::as_const(m_restore))
        execText(pragma); // best effort: a broken connection is reopened anew anyway
}

// Every statement before the first batch, so that a bad one fails the run at its start.
std::optional<QSqlError> CreditTopUpSql::prepareAll()
{
    for (SqlStatement *statement :
         {&m_surveyUsers, &m_countGranted, &m_findOwed, &m_countLegacy, &m_nextRange, &m_boundaries,
          &m_clearChosen, &m_chooseOwed, &m_chooseNext, &m_chosenRange, &m_insertAudit,
          &m_updateBalances, &m_chosenByLimit, &m_owedByLimit, &m_adoptLegacy, &m_switchOver,
          &m_legacySince}) {
        if (statement == &m_clearChosen && m_dialect != SqlDialect::Sqlite)
            continue; // emptied by its commit (PostgreSQL) or by TRUNCATE (MySQL, apply())
        if (statement == &m_boundaries && !readsRangesAhead(m_dialect))
            continue; // not read there (boundaries())
        if ((statement == &m_chooseNext || statement == &m_chosenRange) &&
            !choosesItsOwnRange(m_dialect))
            continue; // MySQL's (applyNext())
        if (auto failed = statement->prepare())
            return failed->error;
    }
    return std::nullopt;
}

std::optional<QSqlError> CreditTopUpSql::exec(SqlStatement &statement,
                                              const SqlStatement::Values &values)
{
    if (auto failed = statement.exec(values))
        return failed->error;
    return std::nullopt;
}

std::optional<QSqlError> CreditTopUpSql::execText(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        return query.lastError();
    return std::nullopt;
}

Expected<qint64, QSqlError> CreditTopUpSql::firstInteger(SqlStatement &statement,
                                                         const SqlStatement::Values &values)
{
    if (auto error = exec(statement, values))
        return Unexpected(*error);
    const qint64 value = statement.next() ? integerAt(statement, 0) : 0;
    statement.finish();
    return value;
}

QString CreditTopUpSql::beginStatement() const
{
    return m_dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                           : QStringLiteral("BEGIN");
}

SqlStatement::Values CreditTopUpSql::periodValues() const
{
    SqlStatement::Values values{
        {QStringLiteral(":period"), m_period},
        {QStringLiteral(":start"), SqlTime::toSql(m_bounds.start, m_dialect)},
        {QStringLiteral(":end"), SqlTime::toSql(m_bounds.end, m_dialect)}};
    if (!SqlTime::typedInstants(m_dialect)) {
        values.insert(QStringLiteral(":first_day"), sqliteDay(m_bounds.start.addDays(-1)));
        values.insert(QStringLiteral(":last_day"), sqliteDay(m_bounds.end.addDays(2)));
    }
    return values;
}

Expected<qint64, QSqlError> CreditTopUpSql::adoptLegacyGrants()
{
    // Read first: most runs find nothing to adopt, and need not wait for the write lock.
    const auto legacy = firstInteger(m_countLegacy, periodValues());
    if (!legacy)
        return Unexpected(legacy.error());
    if (legacy.value() == 0)
        return 0;
    if (auto error = execText(beginStatement()))
        return Unexpected(*error);
    if (auto error = exec(m_adoptLegacy, periodValues())) {
        rollback();
        return Unexpected(*error);
    }
    const qint64 adopted = m_adoptLegacy.numRowsAffected();
    if (auto error = execText(QStringLiteral("COMMIT"))) {
        rollback();
        return Unexpected(*error);
    }
    return adopted;
}

Expected<QDateTime, QSqlError> CreditTopUpSql::switchOver()
{
    if (auto error =
            exec(m_switchOver, {{QStringLiteral(":version"), MigrationCatalog::switchOverVersion}}))
        return Unexpected(*error);
    const QDateTime when =
        m_switchOver.next() ? SqlTime::fromMsecs(m_switchOver.value(0)) : QDateTime();
    m_switchOver.finish();
    return when;
}

Expected<CreditTopUpSql::LegacyRows, QSqlError>
CreditTopUpSql::legacyRowsSinceSwitchOver(const QDateTime &notBefore)
{
    const auto switchedOver = switchOver();
    if (!switchedOver)
        return Unexpected(switchedOver.error());
    LegacyRows rows;
    rows.switchOver = switchedOver.value();
    if (!rows.switchOver.isValid())
        return rows;
    const QDateTime after = std::max(rows.switchOver, notBefore.toUTC());
    const SqlStatement::Values values =
        SqlTime::typedInstants(m_dialect)
            ? SqlStatement::Values{{QStringLiteral(":after"), SqlTime::toSql(after, m_dialect)}}
            : SqlStatement::Values{
                  {QStringLiteral(":first_day"), sqliteDay(after.addDays(-1))},
                  {QStringLiteral(":after"),
                   after.toString(SqlTime::sqliteFormat() + QStringLiteral(".zzz"))}};
    if (auto error = exec(m_legacySince, values))
        return Unexpected(*error);
    if (m_legacySince.next()) {
        rows.count = integerAt(m_legacySince, 0);
        rows.newest = SqlTime::fromSql(m_legacySince.value(1), m_dialect);
    }
    m_legacySince.finish();
    return rows;
}

Expected<CreditTopUpSql::Survey, QSqlError> CreditTopUpSql::survey()
{
    Survey survey;
    if (auto error = exec(m_surveyUsers, {}))
        return Unexpected(*error);
    qint64 belowTheirLimit = 0;
    if (m_surveyUsers.next()) {
        survey.users = integerAt(m_surveyUsers, 0);
        survey.skippedNegative = integerAt(m_surveyUsers, 1); // NULL (no users) reads 0
        belowTheirLimit = integerAt(m_surveyUsers, 2);
        survey.withoutBalanceOrLimit = integerAt(m_surveyUsers, 3);
    }
    m_surveyUsers.finish();
    const auto granted = firstInteger(m_countGranted, {{QStringLiteral(":period"), m_period}});
    if (!granted)
        return Unexpected(granted.error());
    const auto legacy = firstInteger(m_countLegacy, periodValues());
    if (!legacy)
        return Unexpected(legacy.error());
    survey.legacyGrants = legacy.value();
    survey.alreadyToppedUp = granted.value() + survey.legacyGrants;
    if (belowTheirLimit == 0) // every balance at or above its limit (or negative)
        return survey;
    const auto owed = firstInteger(m_findOwed, periodValues());
    if (!owed)
        return Unexpected(owed.error());
    survey.anyOwed = owed.value() > 0;
    return survey;
}

Expected<CreditTopUpSql::Range, QSqlError> CreditTopUpSql::nextRange(const QString &after, int size)
{
    if (auto error = exec(
            m_nextRange, {{QStringLiteral(":after"), key(after)}, {QStringLiteral(":size"), size}}))
        return Unexpected(*error);
    Range range{after, {}, 0};
    if (m_nextRange.next()) {
        range.last = m_nextRange.value(0).toString();
        range.users = integerAt(m_nextRange, 1);
    }
    m_nextRange.finish();
    return range;
}

// Only SQLite reads them. MySQL/MariaDB: InnoDB keeps users in id order (the primary key is
// the table), so a batch takes its next neighbouring rows itself (applyNext), while
// MariaDB sorts every id for ROW_NUMBER(): 500k users, 2.3 s for the boundaries against
// 0.6 s for 500 look-ups. PostgreSQL: the index-only scan of every id goes to the heap for
// each row on a page not marked all-visible since the last vacuum, in random order (UUID ids):
// 1M users, 0.5 s just after a VACUUM, 5.4 s in bench_jobs' fresh database, before the first
// batch; a batch's look-up visits the rows its own statements read next.
Expected<QStringList, QSqlError> CreditTopUpSql::boundaries(int size)
{
    if (!readsRangesAhead(m_dialect))
        return QStringList();
    if (auto error = exec(m_boundaries, {{QStringLiteral(":size"), size}}))
        return Unexpected(*error);
    QStringList lasts;
    while (m_boundaries.next())
        lasts.append(m_boundaries.value(0).toString());
    m_boundaries.finish();
    return lasts;
}

void CreditTopUpSql::readGrants(SqlStatement &statement, CreditTopUpCounts &counts)
{
    while (statement.next())
        counts.addGrant(statement.value(0).toInt(), integerAt(statement, 1),
                        integerAt(statement, 2));
    statement.finish();
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::preview(const Range &range)
{
    CreditTopUpCounts counts;
    counts.usersScanned = range.users;
    SqlStatement::Values values = periodValues();
    values.insert(
        {{QStringLiteral(":after"), key(range.after)}, {QStringLiteral(":last"), key(range.last)}});
    if (auto error = exec(m_owedByLimit, values))
        return Unexpected(*error);
    readGrants(m_owedByLimit, counts);
    return counts;
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::apply(const Range &range)
{
    if (auto error = beginBatch())
        return Unexpected(*error);
    auto counts = applyInTransaction(range);
    if (!counts) {
        rollback();
        return counts;
    }
    if (auto error = commitBatch())
        return Unexpected(*error);
    return counts;
}

bool CreditTopUpSql::choosesItsOwnRange(SqlDialect dialect)
{
    return dialect == SqlDialect::MySql;
}

bool CreditTopUpSql::readsRangesAhead(SqlDialect dialect)
{
    return dialect == SqlDialect::Sqlite;
}

Expected<CreditTopUpSql::Batch, QSqlError> CreditTopUpSql::applyNext(const QString &after, int size)
{
    Q_ASSERT(choosesItsOwnRange(m_dialect));
    if (!m_chosenInUsersOrder) {
        const auto range = nextRange(after, size);
        if (!range)
            return Unexpected(range.error());
        if (range->users == 0)
            return Batch{range.value(), {}};
        const auto counts = apply(range.value());
        if (!counts)
            return Unexpected(counts.error());
        return Batch{range.value(), counts.value()};
    }
    if (auto error = beginBatch())
        return Unexpected(*error);
    auto batch = applyNextInTransaction(after, size);
    if (!batch) {
        rollback();
        return batch;
    }
    if (auto error = commitBatch())
        return Unexpected(*error);
    return batch;
}

// MySQL: emptied by TRUNCATE, outside the transaction (it may commit), before every attempt:
// the MEMORY table keeps what a rolled-back attempt chose. (Emptied by DELETE, the InnoDB
// temporary table it was before kept its deleted rows, and every statement on it grew
// slower over the run: 0.4 s in the first quarter of the 1M top-up's batches, 2.7 s in the
// last, for the DELETE alone.)
std::optional<QSqlError> CreditTopUpSql::beginBatch()
{
    if (m_dialect == SqlDialect::MySql) {
        if (auto error = execText(QStringLiteral("TRUNCATE TABLE jc_credit_topup_chosen")))
            return error;
    }
    return execText(beginStatement());
}

std::optional<QSqlError> CreditTopUpSql::commitBatch()
{
    auto error = execText(QStringLiteral("COMMIT"));
    if (error)
        rollback();
    else if (m_checkpointer)
        m_checkpointer->afterCommit();
    return error;
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::applyInTransaction(const Range &range)
{
    if (m_dialect == SqlDialect::Sqlite) {
        if (auto error = exec(m_clearChosen, {}))
            return Unexpected(*error);
    }
    if (auto error = exec(m_chooseOwed, {{QStringLiteral(":after"), key(range.after)},
                                         {QStringLiteral(":last"), key(range.last)},
                                         {QStringLiteral(":period"), m_period}}))
        return Unexpected(*error);
    return grantChosen(range);
}

Expected<CreditTopUpSql::Batch, QSqlError>
CreditTopUpSql::applyNextInTransaction(const QString &after, int size)
{
    if (auto error = exec(m_chooseNext, {{QStringLiteral(":after"), key(after)},
                                         {QStringLiteral(":size"), size},
                                         {QStringLiteral(":period"), m_period}}))
        return Unexpected(*error);
    if (auto error = exec(m_chosenRange, {}))
        return Unexpected(*error);
    Batch batch{{after, {}, 0}, {}};
    if (m_chosenRange.next()) {
        batch.range.last = m_chosenRange.value(0).toString();
        batch.range.users = integerAt(m_chosenRange, 1);
    }
    m_chosenRange.finish();
    if (batch.range.users == 0)
        return batch;
    auto counts = grantChosen(batch.range);
    if (!counts)
        return Unexpected(counts.error());
    batch.counts = counts.value();
    return batch;
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::grantChosen(const Range &range)
{
    if (auto error = exec(m_insertAudit, {{QStringLiteral(":id_prefix"), auditIdPrefix()},
                                          {QStringLiteral(":period"), m_period}}))
        return Unexpected(*error);
    if (auto error = exec(m_updateBalances, {{QStringLiteral(":after"), key(range.after)},
                                             {QStringLiteral(":last"), key(range.last)}}))
        return Unexpected(*error);
    // Both follow the chosen users; anything else means the rows changed under the lock.
    if (m_insertAudit.numRowsAffected() != m_updateBalances.numRowsAffected()) {
        return Unexpected(
            QSqlError(QStringLiteral("The top-up inserted %1 audit rows but changed %2 "
                                     "balances; the batch was rolled back")
                          .arg(m_insertAudit.numRowsAffected())
                          .arg(m_updateBalances.numRowsAffected()),
                      {}, QSqlError::UnknownError));
    }
    CreditTopUpCounts counts;
    counts.usersScanned = range.users;
    if (auto error = exec(m_chosenByLimit, {}))
        return Unexpected(*error);
    readGrants(m_chosenByLimit, counts);
    return counts;
}

std::optional<QSqlError> CreditTopUpSql::refreshStatistics()
{
    if (m_dialect != SqlDialect::Postgres)
        return std::nullopt;
    return execText(QStringLiteral("ANALYZE credit_adjustments"));
}

void CreditTopUpSql::rollback()
{
    m_chosenByLimit.finish();
    m_chosenRange.finish();
    execText(QStringLiteral("ROLLBACK")); // best effort: a lost connection has none to undo
}

} // namespace jc
