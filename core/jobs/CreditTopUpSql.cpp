#include "jobs/CreditTopUpSql.h"

#include "engine/SystemClock.h"
#include "storage/MigrationCatalog.h"
#include "storage/SqlTime.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <atomic>

namespace jc {

namespace {

// Per connection; rolled back with the transaction like any table. On PostgreSQL its rows
// go at every commit by truncation: emptied by DELETE, a temporary table (never vacuumed)
// kept every batch's dead rows, and each batch's statements scanned all of them — the run
// slowed quadratically (1M users: 85 s, of which 60 s in the four statements reading it).
QString createChosen(SqlDialect dialect, const QString &idCollation = {})
{
    const QString collate =
        idCollation.isEmpty() ? QString() : QStringLiteral(" COLLATE ") + idCollation;
    return QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS jc_credit_topup_chosen ("
                          "user_id varchar(36)%1 NOT NULL PRIMARY KEY, credits integer NOT NULL, "
                          "credit_limit integer NOT NULL)")
               .arg(collate) +
           (dialect == SqlDialect::Postgres ? QStringLiteral(" ON COMMIT DELETE ROWS") : QString());
}

// CAST to text of at most `length` characters: MySQL casts to CHAR only (which there is
// variable-length), PostgreSQL and SQLite to varchar.
QString textCast(const QString &expression, SqlDialect dialect, int length)
{
    return QStringLiteral("CAST(%1 AS %2(%3))")
        .arg(expression,
             dialect == SqlDialect::MySql ? QStringLiteral("char") : QStringLiteral("varchar"))
        .arg(length);
}

// Owed a top-up of the period: below their own limit, not negative, not granted yet. The
// placeholders are: after, last, period.
const QString owedWhere =
    QStringLiteral("u.id > ? AND u.id <= ? AND u.free_credits >= 0 "
                   "AND u.free_credits < u.monthly_credit_limit AND NOT EXISTS ("
                   "SELECT 1 FROM credit_adjustments c WHERE c.user_id = u.id AND c.period = ?)");

// Top-up rows of the web app's own scheduler, which has no period column: NULL period, a
// top-up's reason (DOMAIN.md). Only these and the app's other adjustments have no period,
// which the index of migration 7 keeps apart.
const QString legacyWhere =
    QStringLiteral("l.period IS NULL AND l.reason LIKE 'Monthly free credit top-up%'");

// Legacy rows (alias l) created within the period's bounds; the placeholders are boundValues().
// PostgreSQL and MySQL compare instants. SQLite has the app's text in several forms ("2025-11-30
// 11:00:00", "...11:00:00.123456+00:00", another offset): julianday() reads each as the
// instant it is; a text range around it (a day's margin, more than any offset, before and
// after) keeps the look-up on the index by created_at.
QString legacyInPeriod(SqlDialect dialect)
{
    if (SqlTime::typedInstants(dialect))
        return legacyWhere + QStringLiteral(" AND l.created_at >= ? AND l.created_at < ?");
    return legacyWhere +
           QStringLiteral(" AND l.created_at >= ? AND l.created_at < ? AND "
                          "julianday(l.created_at) >= julianday(?) AND julianday(l.created_at) "
                          "< julianday(?)");
}

// A user (alias u) has no legacy top-up row of the period.
QString noLegacyGrant(SqlDialect dialect)
{
    return QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments l WHERE "
                          "l.user_id = u.id AND ") +
           legacyInPeriod(dialect) + u')';
}

// The date of `instant` (UTC) as text that sorts before every SQLite text form of that day.
QString sqliteDay(const QDateTime &instant)
{
    return instant.toUTC().toString(QStringLiteral("yyyy-MM-dd"));
}

// Audit ids are version 7 UUIDs: a prefix from C++ (the time in milliseconds and a sequence
// number, see auditIdPrefix) and 62 random bits from the database, so that the insert stays
// one statement and a batch's ids land next to each other in the primary key instead of on
// a random page each (each page a commit touches is written again).
QString randomSuffixExpression(SqlDialect dialect)
{
    if (dialect == SqlDialect::Postgres) // "vxxx-xxxxxxxxxxxx" of a v4: the same variant bits
        return QStringLiteral("substr(CAST(gen_random_uuid() AS varchar(36)), 20)");
    // MySQL's UUID() is a version 1: its tail is the host's, the same on every row. MD5 of it
    // (unique per call) gives 60 bits that differ row by row.
    if (dialect == SqlDialect::MySql)
        return QStringLiteral("substr('89ab', 1 + floor(rand() * 4), 1) || "
                              "substr(md5(uuid()), 1, 3) || '-' || substr(md5(uuid()), 1, 12)");
    return QStringLiteral("substr('89ab', 1 + (abs(random()) % 4), 1) || "
                          "substr(lower(hex(randomblob(2))), 2) || '-' || "
                          "lower(hex(randomblob(6)))");
}

// "tttttttt-tttt-7sss-": 48 bits of Unix milliseconds, version 7, 12 bits of sequence.
QString auditIdPrefix()
{
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

qint64 integerAt(const QSqlQuery &query, int column)
{
    return query.value(column).toLongLong();
}

} // namespace

CreditTopUpSql::CreditTopUpSql(QSqlDatabase db, SqlDialect dialect, QString period, Bounds bounds)
    : m_db(db)
    , m_dialect(dialect)
    , m_period(std::move(period))
    , m_bounds(std::move(bounds))
    , m_surveyUsers(m_db)
    , m_countGranted(m_db)
    , m_findOwed(m_db)
    , m_nextRange(m_db)
    , m_boundaries(m_db)
    , m_clearChosen(m_db)
    , m_chooseOwed(m_db)
    , m_insertAudit(m_db)
    , m_updateBalances(m_db)
    , m_chosenByLimit(m_db)
    , m_owedByLimit(m_db)
    , m_countLegacy(m_db)
    , m_adoptLegacy(m_db)
    , m_switchOver(m_db)
    , m_legacySince(m_db)
{}

Expected<std::unique_ptr<CreditTopUpSql>, QSqlError> CreditTopUpSql::open(QSqlDatabase db,
                                                                          SqlDialect dialect,
                                                                          const QString &period,
                                                                          const Bounds &bounds)
{
    std::unique_ptr<CreditTopUpSql> sql(new CreditTopUpSql(db, dialect, period, bounds));
    if (auto error = sql->createChosenTable())
        return *error;
    if (dialect == SqlDialect::Sqlite) {
        if (auto error = sql->tuneSqlite())
            return *error;
    }
    if (auto error = sql->prepareAll())
        return *error;
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
        return execText(createChosen(m_dialect));
    }
    if (m_dialect == SqlDialect::MySql) { // a note, not an error, when it exists
        const auto collation = usersIdCollation();
        if (!collation)
            return collation.error();
        return execText(createChosen(m_dialect, collation.value()));
    }
    QSqlQuery exists(m_db);
    if (!exists.exec(
            QStringLiteral("SELECT to_regclass('pg_temp.jc_credit_topup_chosen') IS NOT NULL")))
        return exists.lastError();
    if (exists.next() && exists.value(0).toBool())
        return std::nullopt;
    return execText(createChosen(m_dialect));
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
        return query.lastError();
    const QString name = query.next() ? query.value(0).toString() : QString();
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9_]+$"));
    return word.match(name).hasMatch() ? name : QString();
}

// SQLite, for this connection while the run lasts (as the seeder does): a cache that holds
// the pages random UUID keys touch, and fewer automatic checkpoints (each rewrites pages into
// the database file at random). Restored by the destructor; durability is unchanged.
std::optional<QSqlError> CreditTopUpSql::tuneSqlite()
{
    QSqlQuery query(m_db);
    const auto read = [&query](const QString &pragma) {
        return query.exec(QStringLiteral("PRAGMA ") + pragma) && query.next()
                   ? query.value(0).toString()
                   : QString();
    };
    const QString cache = read(QStringLiteral("cache_size"));
    const QString checkpoint = read(QStringLiteral("wal_autocheckpoint"));
    query.finish();
    if (auto error = execText(QStringLiteral("PRAGMA cache_size = -131072")))
        return error;
    if (auto error = execText(QStringLiteral("PRAGMA wal_autocheckpoint = 20000")))
        return error;
    if (!cache.isEmpty())
        m_restore.append(QStringLiteral("PRAGMA cache_size = ") + cache);
    if (!checkpoint.isEmpty())
        m_restore.append(QStringLiteral("PRAGMA wal_autocheckpoint = ") + checkpoint);
    return std::nullopt;
}

CreditTopUpSql::~CreditTopUpSql()
{
    for (const QString &pragma : std::as_const(m_restore))
        execText(pragma); // best effort: a broken connection is reopened anew anyway
}

std::optional<QSqlError> CreditTopUpSql::prepareAll()
{
    const QString now = SqlTime::sqlNow(m_dialect);
    // The chosen users are locked as they are read. PostgreSQL: a CTE, because INSERT ...
    // SELECT takes no locking clause there. MySQL: INSERT ... SELECT ... FOR UPDATE, a locking
    // read, which (unlike the transaction's snapshot reads) sees the newest committed rows of
    // both tables once a concurrent batch's locks are released. SQLite: the write lock is held.
    const QString chooseSelect = QStringLiteral("SELECT u.id, u.monthly_credit_limit - "
                                                "u.free_credits, u.monthly_credit_limit FROM "
                                                "users u WHERE ") +
                                 owedWhere;
    const QString chooseInto =
        QStringLiteral("INSERT INTO jc_credit_topup_chosen (user_id, credits, credit_limit) ");
    QString chooseOwed = chooseInto + chooseSelect;
    if (m_dialect == SqlDialect::Postgres)
        chooseOwed = QStringLiteral("WITH owed AS (") + chooseSelect +
                     QStringLiteral(" FOR UPDATE OF u) ") + chooseInto +
                     QStringLiteral("SELECT * FROM owed");
    else if (m_dialect == SqlDialect::MySql)
        chooseOwed += QStringLiteral(" FOR UPDATE");
    const struct
    {
        QSqlQuery *query;
        QString sql;
    } statements[] = {
        // One sequential read of users each; the grants are counted on the period's index
        // (migration 6), and the audit log is looked up only for users below their limit:
        // in a period that is done, those who spent credits since their top-up.
        {&m_surveyUsers, QStringLiteral("SELECT COUNT(*), SUM(CASE WHEN free_credits < 0 OR "
                                        "monthly_credit_limit <= 0 THEN 1 ELSE 0 END) FROM users")},
        {&m_countGranted,
         QStringLiteral("SELECT COUNT(*) FROM credit_adjustments WHERE period = ?")},
        {&m_findOwed,
         QStringLiteral("SELECT 1 FROM users u WHERE u.free_credits >= 0 AND "
                        "u.free_credits < u.monthly_credit_limit AND NOT EXISTS (SELECT 1 FROM "
                        "credit_adjustments c WHERE c.user_id = u.id AND c.period = ?)") +
             noLegacyGrant(m_dialect) + QStringLiteral(" LIMIT 1")},
        {&m_countLegacy,
         QStringLiteral("SELECT COUNT(DISTINCT l.user_id) FROM credit_adjustments l WHERE ") +
             legacyInPeriod(m_dialect) +
             QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments c WHERE "
                            "c.user_id = l.user_id AND c.period = ?)")},
        {&m_nextRange, QStringLiteral("SELECT MAX(id), COUNT(*) FROM (SELECT id FROM users "
                                      "WHERE id > ? ORDER BY id LIMIT ?) b")},
        {&m_boundaries,
         QStringLiteral("SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM "
                        "users) b WHERE n % ? = 0 ORDER BY id")},
        {&m_clearChosen, QStringLiteral("DELETE FROM jc_credit_topup_chosen")},
        {&m_chooseOwed, chooseOwed},
        {&m_insertAudit,
         QStringLiteral(
             "INSERT INTO credit_adjustments (id, created_at, user_id, credits, reason, period) "
             "SELECT %1 || %2, %3, b.user_id, b.credits, 'Monthly free credit top-up: topped "
             "up to ' || %4, %5 FROM jc_credit_topup_chosen b")
             .arg(textCast(QStringLiteral("?"), m_dialect, 19), randomSuffixExpression(m_dialect),
                  now, textCast(QStringLiteral("b.credit_limit"), m_dialect, 12),
                  textCast(QStringLiteral("?"), m_dialect, 7))},
        // The key range keeps PostgreSQL on the primary key (the work table has no statistics).
        {&m_updateBalances,
         QStringLiteral("UPDATE users SET free_credits = monthly_credit_limit, updated_at = %1 "
                        "WHERE id > ? AND id <= ? AND id IN (SELECT user_id FROM "
                        "jc_credit_topup_chosen)")
             .arg(now)},
        {&m_chosenByLimit, QStringLiteral("SELECT credit_limit, COUNT(*), SUM(credits) FROM "
                                          "jc_credit_topup_chosen GROUP BY credit_limit")},
        {&m_owedByLimit,
         QStringLiteral("SELECT u.monthly_credit_limit, COUNT(*), SUM(u.monthly_credit_limit - "
                        "u.free_credits) FROM users u WHERE ") +
             owedWhere + noLegacyGrant(m_dialect) +
             QStringLiteral(" GROUP BY u.monthly_credit_limit")},
        // The earliest legacy row of each user in the period, unless the user has a grant.
        {&m_adoptLegacy,
         QStringLiteral("UPDATE credit_adjustments SET period = ? WHERE id IN (SELECT id FROM "
                        "(SELECT l.id, ROW_NUMBER() OVER (PARTITION BY l.user_id ORDER BY %1, "
                        "l.id) AS n FROM credit_adjustments l WHERE ")
                 .arg(SqlTime::typedInstants(m_dialect)
                          ? QStringLiteral("l.created_at")
                          : QStringLiteral("julianday(l.created_at)")) +
             legacyInPeriod(m_dialect) +
             QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments c WHERE "
                            "c.user_id = l.user_id AND c.period = ?)) a WHERE a.n = 1)")},
        {&m_switchOver,
         QStringLiteral("SELECT applied_at_ms FROM jc_schema_version WHERE version = ?")},
        {&m_legacySince,
         SqlTime::typedInstants(m_dialect)
             ? QStringLiteral("SELECT COUNT(*), MAX(l.created_at) FROM credit_adjustments l "
                              "WHERE ") +
                   legacyWhere + QStringLiteral(" AND l.created_at > ?")
             : QStringLiteral("SELECT COUNT(*), datetime(MAX(julianday(l.created_at))) FROM "
                              "credit_adjustments l WHERE ") +
                   legacyWhere +
                   QStringLiteral(" AND l.created_at >= ? AND julianday(l.created_at) > "
                                  "julianday(?)")},
    };
    for (const auto &statement : statements) {
        if (statement.query == &m_clearChosen && m_dialect != SqlDialect::Sqlite)
            continue; // emptied by its commit (PostgreSQL) or by TRUNCATE (MySQL, apply())
        statement.query->setForwardOnly(true);
        if (!statement.query->prepare(statement.sql))
            return statement.query->lastError();
    }
    return std::nullopt;
}

std::optional<QSqlError> CreditTopUpSql::exec(QSqlQuery &query, const QVariantList &values)
{
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values.at(i));
    if (!query.exec())
        return query.lastError();
    return std::nullopt;
}

std::optional<QSqlError> CreditTopUpSql::execText(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        return query.lastError();
    return std::nullopt;
}

Expected<qint64, QSqlError> CreditTopUpSql::firstInteger(QSqlQuery &query,
                                                         const QVariantList &values)
{
    if (auto error = exec(query, values))
        return *error;
    const qint64 value = query.next() ? integerAt(query, 0) : 0;
    query.finish();
    return value;
}

QString CreditTopUpSql::beginStatement() const
{
    return m_dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                           : QStringLiteral("BEGIN");
}

QVariantList CreditTopUpSql::boundValues() const
{
    if (SqlTime::typedInstants(m_dialect))
        return {SqlTime::toSql(m_bounds.start, m_dialect), SqlTime::toSql(m_bounds.end, m_dialect)};
    return {sqliteDay(m_bounds.start.addDays(-1)), sqliteDay(m_bounds.end.addDays(2)),
            SqlTime::toSql(m_bounds.start, m_dialect), SqlTime::toSql(m_bounds.end, m_dialect)};
}

Expected<qint64, QSqlError> CreditTopUpSql::adoptLegacyGrants()
{
    // Read first: most runs find nothing to adopt, and need not wait for the write lock.
    const auto legacy = firstInteger(m_countLegacy, boundValues() + QVariantList{m_period});
    if (!legacy)
        return legacy.error();
    if (legacy.value() == 0)
        return 0;
    if (auto error = execText(beginStatement()))
        return *error;
    if (auto error =
            exec(m_adoptLegacy, QVariantList{m_period} + boundValues() + QVariantList{m_period})) {
        rollback();
        return *error;
    }
    const qint64 adopted = m_adoptLegacy.numRowsAffected();
    if (auto error = execText(QStringLiteral("COMMIT"))) {
        rollback();
        return *error;
    }
    return adopted;
}

Expected<QDateTime, QSqlError> CreditTopUpSql::switchOver()
{
    if (auto error = exec(m_switchOver, {MigrationCatalog::switchOverVersion}))
        return *error;
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
        return switchedOver.error();
    LegacyRows rows;
    rows.switchOver = switchedOver.value();
    if (!rows.switchOver.isValid())
        return rows;
    const QDateTime after = std::max(rows.switchOver, notBefore.toUTC());
    const QVariantList values =
        SqlTime::typedInstants(m_dialect)
            ? QVariantList{SqlTime::toSql(after, m_dialect)}
            : QVariantList{sqliteDay(after.addDays(-1)),
                           after.toString(SqlTime::sqliteFormat() + QStringLiteral(".zzz"))};
    if (auto error = exec(m_legacySince, values))
        return *error;
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
        return *error;
    if (m_surveyUsers.next()) {
        survey.users = integerAt(m_surveyUsers, 0);
        survey.skippedNegative = integerAt(m_surveyUsers, 1); // NULL (no users) reads 0
    }
    m_surveyUsers.finish();
    const auto granted = firstInteger(m_countGranted, {m_period});
    if (!granted)
        return granted.error();
    const auto legacy = firstInteger(m_countLegacy, boundValues() + QVariantList{m_period});
    if (!legacy)
        return legacy.error();
    survey.legacyGrants = legacy.value();
    survey.alreadyToppedUp = granted.value() + survey.legacyGrants;
    const auto owed = firstInteger(m_findOwed, QVariantList{m_period} + boundValues());
    if (!owed)
        return owed.error();
    survey.anyOwed = owed.value() > 0;
    return survey;
}

Expected<CreditTopUpSql::Range, QSqlError> CreditTopUpSql::nextRange(const QString &after, int size)
{
    if (auto error = exec(m_nextRange, {key(after), size}))
        return *error;
    Range range{after, {}, 0};
    if (m_nextRange.next()) {
        range.last = m_nextRange.value(0).toString();
        range.users = integerAt(m_nextRange, 1);
    }
    m_nextRange.finish();
    return range;
}

Expected<QStringList, QSqlError> CreditTopUpSql::boundaries(int size)
{
    if (auto error = exec(m_boundaries, {size}))
        return *error;
    QStringList lasts;
    while (m_boundaries.next())
        lasts.append(m_boundaries.value(0).toString());
    m_boundaries.finish();
    return lasts;
}

void CreditTopUpSql::readGrants(QSqlQuery &query, CreditTopUpCounts &counts)
{
    while (query.next())
        counts.addGrant(query.value(0).toInt(), integerAt(query, 1), integerAt(query, 2));
    query.finish();
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::preview(const Range &range)
{
    CreditTopUpCounts counts;
    counts.usersScanned = range.users;
    if (auto error = exec(m_owedByLimit, QVariantList{key(range.after), key(range.last), m_period} +
                                             boundValues()))
        return *error;
    readGrants(m_owedByLimit, counts);
    return counts;
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::apply(const Range &range)
{
    // MySQL: emptied by TRUNCATE, outside the transaction (it may commit). Emptied by DELETE,
    // the InnoDB temporary table kept its deleted rows, and every statement on it grew slower
    // over the run: 0.4 s in the first quarter of the 1M top-up's batches, 2.7 s in the last,
    // for the DELETE alone.
    if (m_dialect == SqlDialect::MySql) {
        if (auto error = execText(QStringLiteral("TRUNCATE TABLE jc_credit_topup_chosen")))
            return *error;
    }
    if (auto error = execText(beginStatement()))
        return *error;
    auto counts = applyInTransaction(range);
    if (!counts) {
        rollback();
        return counts;
    }
    if (auto error = execText(QStringLiteral("COMMIT"))) {
        rollback();
        return *error;
    }
    return counts;
}

Expected<CreditTopUpCounts, QSqlError> CreditTopUpSql::applyInTransaction(const Range &range)
{
    if (m_dialect == SqlDialect::Sqlite) {
        if (auto error = exec(m_clearChosen, {}))
            return *error;
    }
    if (auto error = exec(m_chooseOwed, {key(range.after), key(range.last), m_period}))
        return *error;
    if (auto error = exec(m_insertAudit, {auditIdPrefix(), m_period}))
        return *error;
    if (auto error = exec(m_updateBalances, {key(range.after), key(range.last)}))
        return *error;
    // Both follow the chosen users; anything else means the rows changed under the lock.
    if (m_insertAudit.numRowsAffected() != m_updateBalances.numRowsAffected()) {
        return QSqlError(QStringLiteral("The top-up inserted %1 audit rows but changed %2 "
                                        "balances; the batch was rolled back")
                             .arg(m_insertAudit.numRowsAffected())
                             .arg(m_updateBalances.numRowsAffected()),
                         {}, QSqlError::UnknownError);
    }
    CreditTopUpCounts counts;
    counts.usersScanned = range.users;
    if (auto error = exec(m_chosenByLimit, {}))
        return *error;
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
    execText(QStringLiteral("ROLLBACK")); // best effort: a lost connection has none to undo
}

} // namespace jc
