#include "storage/ConnectionFactory.h"
#include "storage/MigrationCatalog.h"
#include "storage/Migrator.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"

#include "AppTimeText.h"
#include "TestDatabases.h"

#include <QMutex>
#include <QSemaphore>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::Migration;
using jc::MigrationStep;
using jc::Migrator;
using jc::SqlDialect;
using jc::test::TestDatabase;

namespace {

// Every version of the catalog, in order: what a fresh database gets.
QList<int> catalogVersions()
{
    QList<int> versions;
    for (const jc::Migration &migration : jc::MigrationCatalog::all())
        versions.append(migration.version);
    return versions;
}

const QStringList AppTables = {u"blocks"_s, u"credit_adjustments"_s, u"credit_purchases"_s,
                               u"team_block_states"_s, u"users"_s};
const QStringList SchedulerTables = {u"jc_alerts"_s,     u"jc_instances"_s,    u"jc_job_changes"_s,
                                     u"jc_job_pauses"_s, u"jc_job_settings"_s, u"jc_run_logs"_s,
                                     u"jc_runs"_s};

// Runs one statement; returns its error (isValid() when it failed).
QSqlError exec(QSqlDatabase db, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query(db);
    if (values.isEmpty()) { // PostgreSQL cannot prepare DDL
        query.exec(sql);
        return query.lastError();
    }
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    query.exec();
    return query.lastError();
}

QVariantList column(QSqlDatabase db, const QString &sql)
{
    QVariantList values;
    QSqlQuery query(db);
    if (!query.exec(sql))
        values.append(u"error: "_s + query.lastError().text());
    while (query.next())
        values.append(query.value(0));
    return values;
}

QStringList tables(QSqlDatabase db)
{
    QStringList names;
    for (const QString &name : db.tables()) {
        if (!name.startsWith(u"sqlite_"_s)) // SQLite's own, e.g. sqlite_sequence
            names.append(name.toLower());
    }
    names.sort();
    return names;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

bool hasColumn(QSqlDatabase db, const QString &table, const QString &column)
{
    return db.driver()->record(table).indexOf(column) >= 0;
}

// The app's own schema as a running app has it: a few columns this program does not know
// about, no period column (unless asked), and GORM's index names.
QStringList appSchema(SqlDialect dialect, bool withPeriod)
{
    const QString ts = dialect == SqlDialect::Postgres ? u"timestamptz"_s : u"datetime"_s;
    const QString period = withPeriod ? u", period varchar(7)"_s : QString();
    return {
        u"CREATE TABLE users (id varchar(36) PRIMARY KEY, email varchar(255) UNIQUE, "
        "name varchar(255), avatar_url text, created_at %1, updated_at %1, "
        "free_credits integer DEFAULT 10, paid_credits integer DEFAULT 0, "
        "monthly_credit_limit integer DEFAULT 10)"_s.arg(ts),
        u"CREATE TABLE credit_adjustments (id varchar(36) PRIMARY KEY, created_at %1, "
        "user_id varchar(36) NOT NULL, credits integer NOT NULL, reason varchar(255) NOT NULL, "
        "credit_purchase_id varchar(36)%2)"_s.arg(ts, period),
        u"CREATE INDEX idx_credit_adjustments_user_id ON credit_adjustments (user_id)"_s,
        u"CREATE TABLE credit_purchases (id varchar(36) PRIMARY KEY, created_at %1, "
        "updated_at %1, user_id varchar(36), credits integer, amount_paid integer, "
        "stripe_session_id varchar(255) NOT NULL UNIQUE, stripe_payment_id varchar(255), "
        "stripe_customer_id varchar(255), receipt_url text, status varchar(20) "
        "DEFAULT 'pending')"_s.arg(ts),
        u"CREATE TABLE blocks (id varchar(36) PRIMARY KEY, owner_id varchar(36), type text, "
        "context text, data text, ordering integer, points integer, "
        "validation_required boolean)"_s,
        u"CREATE TABLE team_block_states (id varchar(36) PRIMARY KEY, team_id varchar(36), "
        "block_id varchar(36), player_data text, points integer, created_at %1, "
        "updated_at %1)"_s.arg(ts),
    };
}

QStringList appRows()
{
    return {
        u"INSERT INTO users (id, email, name, avatar_url, created_at, updated_at, free_credits, "
        "paid_credits, monthly_credit_limit) VALUES ('u1', 'a@example.org', 'Ada', 'a.png', "
        "'2025-01-02 03:04:05', '2025-01-02 03:04:05', 3, 7, 25)"_s,
        u"INSERT INTO users (id, email, name, created_at, updated_at, free_credits, paid_credits, "
        "monthly_credit_limit) VALUES ('u2', 'b@example.org', 'Bo', '2025-02-03 04:05:06', "
        "'2025-02-03 04:05:06', 10, 0, 10)"_s,
        u"INSERT INTO credit_adjustments (id, created_at, user_id, credits, reason) VALUES "
        "('a1', '2025-11-01 00:00:00', 'u1', 5, 'Monthly free credit top-up: topped up to "
        "25')"_s,
        u"INSERT INTO credit_adjustments (id, created_at, user_id, credits, reason, "
        "credit_purchase_id) VALUES ('a2', '2025-11-02 00:00:00', 'u1', 7, 'Purchase', 'p1')"_s,
        u"INSERT INTO credit_purchases (id, created_at, updated_at, user_id, credits, "
        "amount_paid, stripe_session_id, status) VALUES ('p1', '2025-11-02 00:00:00', "
        "'2025-11-02 00:00:00', 'u1', 7, 500, 'cs_1', 'completed')"_s,
        u"INSERT INTO blocks (id, owner_id, type, data, ordering, points) VALUES ('b1', 'u1', "
        "'image', '{\"content\": \"/static/uploads/2025/11/17/x.png\"}', 1, 0)"_s,
        u"INSERT INTO team_block_states (id, team_id, block_id, player_data, points) VALUES "
        "('s1', 't1', 'b1', '{\"images\": []}', 3)"_s,
    };
}

// Everything a table holds, as text, in a stable order: to prove nothing was lost.
QStringList dump(QSqlDatabase db, const QString &table, const QStringList &columns)
{
    QStringList rows;
    QSqlQuery query(db);
    if (!query.exec(u"SELECT %1 FROM %2 ORDER BY id"_s.arg(columns.join(u", "_s), table)))
        return {u"error: "_s + query.lastError().text()};
    while (query.next()) {
        QStringList values;
        for (int i = 0; i < columns.size(); ++i)
            values.append(query.value(i).toString());
        rows.append(values.join(u'|'));
    }
    return rows;
}

QStringList dumpApp(QSqlDatabase db)
{
    return dump(db, u"users"_s,
                {u"id"_s, u"email"_s, u"name"_s, u"avatar_url"_s, u"free_credits"_s,
                 u"paid_credits"_s, u"monthly_credit_limit"_s}) +
           dump(db, u"credit_adjustments"_s,
                {u"id"_s, u"user_id"_s, u"credits"_s, u"reason"_s, u"credit_purchase_id"_s}) +
           dump(db, u"credit_purchases"_s,
                {u"id"_s, u"user_id"_s, u"credits"_s, u"stripe_session_id"_s, u"status"_s}) +
           dump(db, u"blocks"_s, {u"id"_s, u"type"_s, u"data"_s}) +
           dump(db, u"team_block_states"_s, {u"id"_s, u"player_data"_s, u"points"_s});
}

QString insertRun(const QString &job, const QString &key)
{
    return u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, status) "
           "VALUES ('%1', 'scheduled', 1767225600000, '%2', 'running')"_s.arg(job, key);
}

QString insertAdjustment(const QString &id, const QString &period)
{
    return u"INSERT INTO credit_adjustments (id, user_id, credits, reason, period) VALUES "
           "('%1', 'u1', 5, 'Monthly free credit top-up: topped up to 10', %2)"_s.arg(
               id, period.isNull() ? u"NULL"_s : u'\'' + period + u'\'');
}

} // namespace

// Gives the test function a migrated-or-empty database: `database`, `factory`, `db`.
#define OPEN_TEST_DATABASE()                                                                       \
    QFETCH(SqlDialect, dialect);                                                                   \
    TestDatabase database(dialect);                                                                \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    ConnectionFactory factory(database.url());                                                     \
    const auto connection = factory.connectionForCurrentThread();                                  \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection

#define MIGRATE(migrator)                                                                          \
    do {                                                                                           \
        const auto result = (migrator).migrate(db);                                                \
        QVERIFY2(result, qPrintable(result ? QString() : result.error()));                         \
    } while (false)

class tst_Migrator : public QObject
{
    Q_OBJECT

private slots:
    void migratesFromEmpty_data() { jc::test::addDatabaseRowsWithMySql(); }
    void migratesFromEmpty();
    void rerunIsNoOp_data() { jc::test::addDatabaseRowsWithMySql(); }
    void rerunIsNoOp();
    void upToDateDatabaseIsOnlyRead_data() { jc::test::addDatabaseRowsWithMySql(); }
    void upToDateDatabaseIsOnlyRead();
    void existingAppDatabaseKeepsItsData_data();
    void existingAppDatabaseKeepsItsData();
    void concurrentMigrationsApplyEachOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void concurrentMigrationsApplyEachOnce();
    void newerSchemaIsRefusedAndNothingChanges_data() { jc::test::addDatabaseRowsWithMySql(); }
    void newerSchemaIsRefusedAndNothingChanges();
    void failedMigrationIsRolledBack_data() { jc::test::addDatabaseRowsWithMySql(); }
    void failedMigrationIsRolledBack();
    void occurrenceIsUniquePerJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void occurrenceIsUniquePerJob();
    void topUpIsUniquePerUserAndPeriod_data() { jc::test::addDatabaseRowsWithMySql(); }
    void topUpIsUniquePerUserAndPeriod();
    void legacyTopUpsGetTheirMonthWhereEveryZoneAgrees_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void legacyTopUpsGetTheirMonthWhereEveryZoneAgrees();
    void runLogsGoWithTheirRun_data() { jc::test::addDatabaseRowsWithMySql(); }
    void runLogsGoWithTheirRun();
    void appTimestampsRoundTrip_data() { jc::test::addDatabaseRowsWithMySql(); }
    void appTimestampsRoundTrip();
};

void tst_Migrator::migratesFromEmpty()
{
    OPEN_TEST_DATABASE();
    const Migrator migrator;
    QCOMPARE(migrator.currentVersion(db).value(), 0);

    const auto result = migrator.migrate(db);
    QVERIFY2(result, qPrintable(result ? QString() : result.error()));
    QCOMPARE(result->fromVersion, 0);
    QCOMPARE(result->toVersion, jc::MigrationCatalog::latestVersion());
    QCOMPARE(result->applied, catalogVersions());
    QCOMPARE(migrator.currentVersion(db).value(), jc::MigrationCatalog::latestVersion());

    QCOMPARE(tables(db), sorted(AppTables + SchedulerTables + QStringList{u"jc_schema_version"_s}));
    QVERIFY(hasColumn(db, u"credit_adjustments"_s, u"period"_s));
    QVariantList recordedVersions;
    for (const int version : catalogVersions())
        recordedVersions.append(version);
    QCOMPARE(column(db, u"SELECT version FROM jc_schema_version ORDER BY version"_s),
             recordedVersions);
    const QVariantList descriptions =
        column(db, u"SELECT description FROM jc_schema_version ORDER BY version"_s);
    QCOMPARE(descriptions.size(), jc::MigrationCatalog::all().size());
    QVERIFY(descriptions.at(1).toString().contains(u"period"_s));
    const qint64 appliedAt =
        column(db, u"SELECT min(applied_at_ms) FROM jc_schema_version"_s).value(0).toLongLong();
    QVERIFY(qAbs(QDateTime::currentMSecsSinceEpoch() - appliedAt) < 60'000);
}

void tst_Migrator::rerunIsNoOp()
{
    OPEN_TEST_DATABASE();
    const Migrator migrator;
    MIGRATE(migrator);
    const QVariantList recorded =
        column(db, u"SELECT version, applied_at_ms FROM jc_schema_version ORDER BY version"_s);

    const auto again = migrator.migrate(db);
    QVERIFY2(again, qPrintable(again ? QString() : again.error()));
    QVERIFY(again->applied.isEmpty());
    QCOMPARE(again->fromVersion, jc::MigrationCatalog::latestVersion());
    QCOMPARE(again->toVersion, jc::MigrationCatalog::latestVersion());
    QCOMPARE(column(db, u"SELECT version, applied_at_ms FROM jc_schema_version ORDER BY "
                        "version"_s),
             recorded);
}

// A database this connection may only read: migrate() has nothing to do and writes nothing, so
// it succeeds (jobctl list and history work); checkWritable() says it is read-only.
void tst_Migrator::upToDateDatabaseIsOnlyRead()
{
    OPEN_TEST_DATABASE();
    const Migrator migrator;
    QCOMPARE(migrator.checkWritable(db), std::nullopt);
    MIGRATE(migrator);
    QSqlQuery query(db);
    QString readOnly = u"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"_s;
    if (dialect == SqlDialect::Sqlite)
        readOnly = u"PRAGMA query_only = ON"_s;
    else if (dialect == SqlDialect::MySql)
        readOnly = u"SET SESSION TRANSACTION READ ONLY"_s;
    QVERIFY(query.exec(readOnly));

    const auto again = migrator.migrate(db);
    QVERIFY2(again, qPrintable(again ? QString() : again.error()));
    QVERIFY(again->applied.isEmpty());
    const auto refused = migrator.checkWritable(db);
    QVERIFY(refused.has_value());
    QVERIFY2(refused->contains(u"read-only"_s), qPrintable(*refused));
    QVERIFY2(refused->contains(u"Nothing was changed"_s), qPrintable(*refused));

    QVERIFY(query.exec(dialect == SqlDialect::Sqlite
                           ? u"PRAGMA query_only = OFF"_s
                           : QString(readOnly).replace(u"READ ONLY"_s, u"READ WRITE"_s)));
    QCOMPARE(migrator.checkWritable(db), std::nullopt);
    QVERIFY(!db.tables().contains(u"jc_write_probe"_s)); // the check's table was rolled back
}

void tst_Migrator::existingAppDatabaseKeepsItsData_data()
{
    QTest::addColumn<SqlDialect>("dialect");
    QTest::addColumn<bool>("withPeriod");
    QTest::newRow("sqlite") << SqlDialect::Sqlite << false;
    QTest::newRow("postgresql") << SqlDialect::Postgres << false;
    QTest::newRow("sqlite, period already there") << SqlDialect::Sqlite << true;
    QTest::newRow("postgresql, period already there") << SqlDialect::Postgres << true;
}

void tst_Migrator::existingAppDatabaseKeepsItsData()
{
    QFETCH(bool, withPeriod);
    OPEN_TEST_DATABASE();
    for (const QString &sql : appSchema(dialect, withPeriod) + appRows())
        QVERIFY2(!exec(db, sql).isValid(), qPrintable(exec(db, sql).text() + sql));
    const QStringList before = dumpApp(db);
    QCOMPARE(before.size(), 7);

    MIGRATE(Migrator());

    QCOMPARE(dumpApp(db), before);
    QCOMPARE(tables(db), sorted(AppTables + SchedulerTables + QStringList{u"jc_schema_version"_s}));
    QVERIFY(hasColumn(db, u"users"_s, u"avatar_url"_s)); // the app's table was left as it was
    QVERIFY(hasColumn(db, u"credit_adjustments"_s, u"period"_s));
    QCOMPARE(column(db, u"SELECT count(*) FROM credit_adjustments WHERE period IS NULL"_s),
             (QVariantList{2}));
    // The period key works on the old table, next to its old rows.
    QVERIFY(!exec(db, insertAdjustment(u"a3"_s, u"2026-12"_s)).isValid());
    QVERIFY(jc::SqlErrors::isUniqueViolation(exec(db, insertAdjustment(u"a4"_s, u"2026-12"_s)),
                                             dialect));
}

void tst_Migrator::concurrentMigrationsApplyEachOnce()
{
    OPEN_TEST_DATABASE();
    // Instances starting together on one database: each migration must run exactly once.
    constexpr int Instances = 3;
    QSemaphore ready;
    QSemaphore go;
    QList<QList<int>> applied(Instances);
    QStringList errors;
    QMutex errorsMutex;
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < Instances; ++i) {
        threads.emplace_back(QThread::create([&, i] {
            const auto own = factory.connectionForCurrentThread();
            ready.release();
            go.acquire();
            const auto result =
                own ? Migrator().migrate(*own)
                    : jc::Expected<jc::MigrationResult, QString>(jc::Unexpected(own.error()));
            if (result) {
                applied[i] = result->applied;
            } else {
                QMutexLocker lock(&errorsMutex);
                errors.append(result.error());
            }
        }));
        threads.back()->start();
    }
    ready.acquire(Instances);
    go.release(Instances);
    for (auto &thread : threads)
        thread->wait();

    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
    QList<int> all;
    for (const QList<int> &one : std::as_const(applied))
        all += one;
    std::sort(all.begin(), all.end());
    QCOMPARE(all, catalogVersions());
    QCOMPARE(column(db, u"SELECT count(*) FROM jc_schema_version"_s),
             (QVariantList{catalogVersions().size()}));
}

void tst_Migrator::newerSchemaIsRefusedAndNothingChanges()
{
    OPEN_TEST_DATABASE();
    QVERIFY(!exec(db, u"CREATE TABLE jc_schema_version (version integer PRIMARY KEY, "
                      "description varchar(200) NOT NULL, applied_at_ms bigint NOT NULL)"_s)
                 .isValid());
    QVERIFY(!exec(db, u"INSERT INTO jc_schema_version VALUES (1, 'one', 1), "
                      "(99, 'from the future', 2)"_s)
                 .isValid());
    const Migrator migrator;
    QCOMPARE(migrator.currentVersion(db).value(), 99);

    const auto result = migrator.migrate(db);
    QVERIFY(!result);
    const QString latest = QString::number(migrator.latestVersion());
    QVERIFY2(result.error().contains(u"schema is version 99, newer than version "_s + latest),
             qPrintable(result.error()));
    QVERIFY2(result.error().contains(u"Nothing was changed"_s), qPrintable(result.error()));
    QCOMPARE(tables(db), QStringList{u"jc_schema_version"_s});
    QCOMPARE(column(db, u"SELECT version FROM jc_schema_version ORDER BY version"_s),
             (QVariantList{1, 99}));
}

void tst_Migrator::failedMigrationIsRolledBack()
{
    OPEN_TEST_DATABASE();
    const auto step = [](const QString &sql) { return MigrationStep::always(sql); };
    const QList<MigrationStep> good = {step(u"CREATE TABLE t_good (id integer PRIMARY KEY)"_s)};
    const QList<MigrationStep> bad = {step(u"CREATE TABLE t_half (id integer PRIMARY KEY)"_s),
                                      step(u"INSERT INTO t_half VALUES (1)"_s),
                                      step(u"CREATE TABLE t_bad (id no such syntax"_s)};
    const Migrator migrator(
        {Migration{1, u"good"_s, good, good, good}, Migration{2, u"bad"_s, bad, bad, bad}});

    const auto result = migrator.migrate(db);
    QVERIFY(!result);
    QVERIFY2(result.error().contains(u"CREATE TABLE t_bad"_s), qPrintable(result.error()));
    QCOMPARE(migrator.currentVersion(db).value(), 1);
    if (dialect == SqlDialect::MySql) {
        // MySQL commits each CREATE at once: the steps before the failing one stay, and the
        // message says so (the version is not recorded, so the next migrate repeats them).
        QVERIFY2(result.error().contains(u"Migration 2 (bad) failed: "_s) &&
                     result.error().contains(u"MySQL commits each schema change at once"_s),
                 qPrintable(result.error()));
        QCOMPARE(tables(db), (QStringList{u"jc_schema_version"_s, u"t_good"_s, u"t_half"_s}));
        return;
    }
    QVERIFY2(result.error().contains(u"Migration 2 (bad) failed, and none of it was applied"_s),
             qPrintable(result.error()));
    QCOMPARE(tables(db), (QStringList{u"jc_schema_version"_s, u"t_good"_s}));
}

void tst_Migrator::occurrenceIsUniquePerJob()
{
    OPEN_TEST_DATABASE();
    MIGRATE(Migrator());

    QVERIFY(!exec(db, insertRun(u"Monthly Credit Top-Up"_s, u"2026-01-01T00:00Z"_s)).isValid());
    const QSqlError second =
        exec(db, insertRun(u"Monthly Credit Top-Up"_s, u"2026-01-01T00:00Z"_s));
    QVERIFY2(jc::SqlErrors::isUniqueViolation(second, dialect), qPrintable(second.text()));
    QVERIFY(!jc::SqlErrors::isConnectionLost(second, dialect));
    QVERIFY(!exec(db, insertRun(u"Uploads Cleanup"_s, u"2026-01-01T00:00Z"_s)).isValid());
    QVERIFY(!exec(db, insertRun(u"Monthly Credit Top-Up"_s, u"manual-1"_s)).isValid());
    QCOMPARE(column(db, u"SELECT count(*) FROM jc_runs"_s), (QVariantList{3}));
    // The defaults a claim relies on.
    QCOMPARE(column(db, u"SELECT attempts FROM jc_runs WHERE id = 1"_s), (QVariantList{1}));
    QCOMPARE(column(db, u"SELECT dry_run FROM jc_runs WHERE id = 1"_s).value(0).toBool(), false);
}

void tst_Migrator::topUpIsUniquePerUserAndPeriod()
{
    OPEN_TEST_DATABASE();
    MIGRATE(Migrator());

    QVERIFY(!exec(db, insertAdjustment(u"a1"_s, u"2026-12"_s)).isValid());
    const QSqlError twice = exec(db, insertAdjustment(u"a2"_s, u"2026-12"_s));
    QVERIFY2(jc::SqlErrors::isUniqueViolation(twice, dialect), qPrintable(twice.text()));
    QVERIFY(!exec(db, insertAdjustment(u"a3"_s, u"2027-01"_s)).isValid());
    // Adjustments that are not top-ups have no period, and never collide.
    QVERIFY(!exec(db, insertAdjustment(u"a4"_s, QString())).isValid());
    QVERIFY(!exec(db, insertAdjustment(u"a5"_s, QString())).isValid());
    QCOMPARE(column(db, u"SELECT count(*) FROM credit_adjustments"_s), (QVariantList{4}));
}

// The app's own scheduler wrote its top-ups without a period (APP-SCHEMA.md). The migration
// labels those whose month is the same in every zone (UTC-12 to UTC+14): more than 14 hours
// before a month starts in UTC, or at least 12 after. Near the boundary it cannot know the zone the
// app ran in (Auckland's December top-up is 30 November 11:00 in UTC), so they stay without
// one for the top-up to adopt at run time. One row per user and month: a second row, or a
// month the user already has a top-up of, stays without.
void tst_Migrator::legacyTopUpsGetTheirMonthWhereEveryZoneAgrees()
{
    OPEN_TEST_DATABASE();
    for (const QString &sql : appSchema(dialect, true))
        QVERIFY2(!exec(db, sql).isValid(), qPrintable(exec(db, sql).text() + sql));
    const QString topUp = u"Monthly free credit top-up: topped up to 10"_s;
    const auto add = [&](const QString &id, const QString &user, QString createdAt,
                         const QString &reason, const QVariant &period = QVariant()) {
        if (dialect == SqlDialect::Postgres && createdAt.size() == 19)
            createdAt += u"+00"_s;        // UTC, as the app's SQLite text means
        if (dialect == SqlDialect::MySql) // a TIMESTAMP: the instant, in the session's UTC
            createdAt = jc::test::AppTimeText::parse(createdAt).utcWall();
        return exec(db,
                    u"INSERT INTO credit_adjustments (id, created_at, user_id, credits, reason, "
                    "period) VALUES (?, ?, ?, 10, ?, ?)"_s,
                    {id, createdAt, user, reason, period.isValid() ? period : QVariant(QString())});
    };
    const struct
    {
        const char16_t *id;
        const char16_t *user;
        const char16_t *createdAt;
        const char16_t *period; // what the migration leaves; u"" for none
    } rows[] = {
        {u"a-mid", u"u1", u"2025-11-15 09:00:00", u"2025-11"},
        {u"b-mid-later", u"u2", u"2025-11-20 09:00:00", u""}, // u2's second of November
        {u"c-mid-earlier", u"u2", u"2025-11-16 09:00:00", u"2025-11"},
        {u"d-auckland-dec", u"u3", u"2025-11-30 11:00:00", u""},
        {u"e-14h-before", u"u4", u"2025-11-30 09:59:59", u"2025-11"},
        {u"f-under-14h-before", u"u5", u"2025-11-30 10:00:00", u""},
        {u"g-under-12h-after", u"u6", u"2025-12-01 11:59:59", u""},
        {u"h-12h-after", u"u7", u"2025-12-01 12:00:00", u"2025-12"},
        {u"i-go-text", u"u8", u"2025-11-16 10:00:00.123456+00:00", u"2025-11"},
        {u"j-offset-text", u"u9", u"2025-11-30 23:00:00.5-08:00", u""}, // 1 Dec 07:00 UTC
        {u"k-offset-mid", u"u10", u"2025-11-10 23:00:00-08:00", u"2025-11"},
    };
    for (const auto &row : rows) {
        const QSqlError error = add(QString::fromUtf16(row.id), QString::fromUtf16(row.user),
                                    QString::fromUtf16(row.createdAt), topUp);
        QVERIFY2(!error.isValid(), qPrintable(error.text()));
    }
    // Not top-ups; and a user who already has November's top-up from this program.
    QVERIFY(!add(u"p-purchase"_s, u"u1"_s, u"2025-11-15 10:00:00"_s, u"Purchase"_s).isValid());
    QVERIFY(!add(u"q-ours"_s, u"u11"_s, u"2025-10-31 11:00:00"_s, topUp, u"2025-11"_s).isValid());
    QVERIFY(!add(u"r-app-too"_s, u"u11"_s, u"2025-11-15 09:00:00"_s, topUp).isValid());

    MIGRATE(Migrator());

    QSqlQuery query(db);
    QVERIFY(query.exec(u"SELECT id, period FROM credit_adjustments"_s));
    QMap<QString, QString> periods;
    while (query.next())
        periods.insert(query.value(0).toString(), query.value(1).toString());
    for (const auto &row : rows)
        QCOMPARE(periods.value(QString::fromUtf16(row.id)), QString::fromUtf16(row.period));
    QCOMPARE(periods.value(u"p-purchase"_s), QString());
    QCOMPARE(periods.value(u"q-ours"_s), u"2025-11"_s);
    QCOMPARE(periods.value(u"r-app-too"_s), QString());
}

void tst_Migrator::runLogsGoWithTheirRun()
{
    OPEN_TEST_DATABASE();
    MIGRATE(Migrator());
    QVERIFY(!exec(db, insertRun(u"job"_s, u"k1"_s)).isValid());
    const QVariant runId = column(db, u"SELECT id FROM jc_runs"_s).value(0);
    const QString insertLog = u"INSERT INTO jc_run_logs (run_id, seq, logged_at_ms, level, "
                              "message) VALUES (?, ?, 1767225600000, 'info', 'hello')"_s;
    QVERIFY(!exec(db, insertLog, {runId, 1}).isValid());
    QVERIFY(!exec(db, insertLog, {runId, 2}).isValid());
    QVERIFY(jc::SqlErrors::isUniqueViolation(exec(db, insertLog, {runId, 2}), dialect));
    QVERIFY(exec(db, insertLog, {runId.toLongLong() + 1000, 1}).isValid()); // no such run

    QVERIFY(!exec(db, u"DELETE FROM jc_runs"_s).isValid());
    QCOMPARE(column(db, u"SELECT count(*) FROM jc_run_logs"_s), (QVariantList{0}));
}

void tst_Migrator::appTimestampsRoundTrip()
{
    OPEN_TEST_DATABASE();
    MIGRATE(Migrator());
    // 01:30 UTC on the day Europe's clocks spring forward: no local-time detour may lose it.
    const QDateTime when(QDate(2026, 3, 29), QTime(1, 30, 0), QTimeZone::utc());
    QVERIFY(!exec(db, u"INSERT INTO users (id, email, created_at) VALUES ('u1', 'a@x', ?)"_s,
                  {jc::SqlTime::toSql(when, dialect)})
                 .isValid());
    QVERIFY(!exec(db, u"INSERT INTO users (id, email) VALUES ('u2', 'b@x')"_s).isValid());

    const QVariantList stored = column(db, u"SELECT created_at FROM users ORDER BY id"_s);
    QCOMPARE(jc::SqlTime::fromSql(stored.value(0), dialect), when);
    if (dialect == SqlDialect::Sqlite)
        QCOMPARE(stored.value(0).toString(), u"2026-03-29 01:30:00"_s);
    // The database's own default writes the same format.
    const QDateTime byDefault = jc::SqlTime::fromSql(stored.value(1), dialect);
    QVERIFY(byDefault.isValid());
    QVERIFY(qAbs(byDefault.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(byDefault.timeSpec(), Qt::UTC);
}

QTEST_GUILESS_MAIN(tst_Migrator)
#include "tst_migrator.moc"
