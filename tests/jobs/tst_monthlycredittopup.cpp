// The Monthly Credit Top-Up on both databases: who is topped up and by how much, exactly once
// per user and period whatever happens (reruns, a batch failing half-way, concurrent runs,
// transient errors), cancellation, dry runs, the period in the job's zone, its settings.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/RunState.h"
#include "jobs/JobCatalog.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "jobs/RunSummaryText.h"
#include "jobs/SettingValues.h"
#include "storage/Migrator.h"
#include "storage/SqlTime.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace jc;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
const QTimeZone utcZone = QTimeZone::utc();

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// A run of the body outside any scheduler: what a worker would get.
struct TestRun
{
    explicit TestRun(QDateTime occurrence, RunTrigger trigger = RunTrigger::Scheduled,
                     bool dryRun = false)
        : state(std::make_shared<RunState>(
              RunInfo{1, job, trigger, std::move(occurrence), {}, 1, dryRun, {}, {}, {}, {}},
              nullptr))
        , context(state, category.category())
    {}

    JobResult run(ConnectionFactory &database, const MonthlyCreditTopUpJob::Settings &settings,
                  const QTimeZone &zone = utcZone)
    {
        JobResult result = MonthlyCreditTopUpJob::run(context, database, settings, zone);
        state->finish(result);
        return result;
    }

    // The body as the catalog built it (settings resolved from the environment and the
    // database), as a worker would run it.
    JobResult runBody(const JobDefinition &def)
    {
        JobResult result = def.body(context);
        state->finish(result);
        return result;
    }

    QStringList warnings() const
    {
        QStringList lines;
        for (const LogLine &line : state->logLines()) {
            if (line.level == LogLevel::Warning)
                lines.append(line.message);
        }
        return lines;
    }

    QVariantMap fieldsOf(const QString &message) const
    {
        for (const LogLine &line : state->logLines()) {
            if (line.message == message)
                return line.fields;
        }
        return {};
    }

    bool logged(const QString &message) const
    {
        const auto lines = state->logLines();
        return std::any_of(lines.cbegin(), lines.cend(),
                           [&](const LogLine &line) { return line.message == message; });
    }

    // The warning lines whose message starts with `prefix`.
    QList<LogLine> warnings(const QString &prefix) const
    {
        QList<LogLine> found;
        for (const LogLine &line : state->logLines()) {
            if (line.level == LogLevel::Warning && line.message.startsWith(prefix))
                found.append(line);
        }
        return found;
    }

    JobLogCategory category{job};
    std::shared_ptr<RunState> state;
    JobContext context;
};

// Batches of one size (no time target): the tests count them.
MonthlyCreditTopUpJob::Settings smallBatches(int batchSize = 3)
{
    MonthlyCreditTopUpJob::Settings settings;
    settings.batchSize = batchSize;
    settings.batchTarget = 0ms;
    settings.batchRetryBaseDelay = 10ms;
    return settings;
}

struct User
{
    QString id;
    int free;
    int limit;
};

bool exec(QSqlDatabase db, const QString &sql)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return false;
}

bool addUsers(QSqlDatabase db, const QList<User> &users)
{
    db.transaction();
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO users (id, email, free_credits, paid_credits, "
                                 "monthly_credit_limit) VALUES (?, ?, ?, 7, ?)"));
    for (const User &user : users) {
        query.addBindValue(user.id);
        query.addBindValue(user.id + QStringLiteral("@example.org"));
        query.addBindValue(user.free);
        query.addBindValue(user.limit);
        if (!query.exec()) {
            qWarning("insert: %s", qPrintable(query.lastError().text()));
            db.rollback();
            return false;
        }
    }
    return db.commit();
}

// id -> free_credits; paid_credits must all still be 7.
QMap<QString, int> balances(QSqlDatabase db)
{
    QMap<QString, int> free;
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT id, free_credits, paid_credits FROM users"));
    while (query.next()) {
        free.insert(query.value(0).toString(), query.value(1).toInt());
        if (query.value(2).toInt() != 7)
            free.insert(QStringLiteral("paid credits changed: ") + query.value(0).toString(), 0);
    }
    return free;
}

struct Audit
{
    QString id;
    QDateTime createdAt;
    int credits;
    QString reason;
    QString period;
};

// user id -> its audit rows
QMultiMap<QString, Audit> audits(QSqlDatabase db, SqlDialect dialect)
{
    QMultiMap<QString, Audit> rows;
    QSqlQuery query(db);
    query.exec(QStringLiteral(
        "SELECT user_id, id, created_at, credits, reason, period FROM credit_adjustments"));
    while (query.next()) {
        rows.insert(query.value(0).toString(),
                    {query.value(1).toString(), SqlTime::fromSql(query.value(2), dialect),
                     query.value(3).toInt(), query.value(4).toString(), query.value(5).toString()});
    }
    return rows;
}

QString userId(int i)
{
    return QStringLiteral("user-%1").arg(i, 4, 10, QLatin1Char('0'));
}

// i % 4: 0 below (owed limit - 1), 1 at, 2 above, 3 owed everything; limits 10, 25, 17.
QList<User> manyUsers(int count)
{
    QList<User> users;
    const int limits[] = {10, 25, 17};
    for (int i = 0; i < count; ++i) {
        const int limit = limits[i % 3];
        const int free = i % 4 == 0 ? 1 : i % 4 == 1 ? limit : i % 4 == 2 ? limit + 5 : 0;
        users.append({userId(i), free, limit});
    }
    return users;
}

void checkAllToppedUpOnce(QSqlDatabase db, SqlDialect dialect, const QList<User> &users,
                          const QString &period)
{
    const auto free = balances(db);
    const auto rows = audits(db, dialect);
    for (const User &user : users) {
        const bool owed = user.free >= 0 && user.free < user.limit;
        QCOMPARE(free.value(user.id), owed ? user.limit : user.free);
        QCOMPARE(rows.count(user.id), owed ? 1 : 0);
        if (owed) {
            QCOMPARE(rows.value(user.id).credits, user.limit - user.free);
            QCOMPARE(rows.value(user.id).period, period);
        }
    }
}

// A top-up row as the web app's own scheduler wrote it: no period. On SQLite created_at is
// `sqliteText` when given (the app's other text forms), else the UTC text of CURRENT_TIMESTAMP.
bool addLegacyTopUp(QSqlDatabase db, SqlDialect dialect, const QString &id, const QString &user,
                    const QDateTime &createdAt, const QString &sqliteText = {})
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO credit_adjustments (id, created_at, user_id, "
                                 "credits, reason) VALUES (?, ?, ?, 10, 'Monthly free credit "
                                 "top-up: topped up to 10')"));
    query.addBindValue(id);
    query.addBindValue(dialect == SqlDialect::Sqlite && !sqliteText.isEmpty()
                           ? QVariant(sqliteText)
                           : SqlTime::toSql(createdAt, dialect));
    query.addBindValue(user);
    if (query.exec())
        return true;
    qWarning("legacy row: %s", qPrintable(query.lastError().text()));
    return false;
}

// id -> period ("" for NULL) of every adjustment.
QMap<QString, QString> periods(QSqlDatabase db)
{
    QMap<QString, QString> result;
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT id, period FROM credit_adjustments"));
    while (query.next())
        result.insert(query.value(0).toString(), query.value(1).toString());
    return result;
}

// The switch-over from the app's own scheduler happened at `when` (the migration that looks
// for the app's rows records when it was applied).
bool switchedOverAt(QSqlDatabase db, const QDateTime &when)
{
    return exec(db, QStringLiteral("UPDATE jc_schema_version SET applied_at_ms = %1 WHERE "
                                   "version = 7")
                        .arg(when.toMSecsSinceEpoch()));
}

const QString stillRunningWarning =
    QStringLiteral("Top-up rows without a period were written after the switch-over");

std::shared_ptr<ConnectionFactory> migrated(const test::TestDatabase &database,
                                            ConnectionOptions options = {})
{
    auto factory = std::make_shared<ConnectionFactory>(database.url(), options);
    if (!Migrator().migrate(factory->connectionForCurrentThread().value()))
        qFatal("migration failed");
    return factory;
}

// MySQL with a binary users.id, as a schema without a collation has it, and a binary
// credit_adjustments.user_id too when asked; nullptr when a statement failed.
std::shared_ptr<ConnectionFactory> mySqlWithBinaryIds(const test::TestDatabase &database,
                                                      bool binaryAuditUsers)
{
    auto factory = migrated(database);
    auto db = factory->connectionForCurrentThread().value();
    if (!exec(db, QStringLiteral("ALTER TABLE users MODIFY id varbinary(36) NOT NULL")))
        return nullptr;
    if (binaryAuditUsers && !exec(db, QStringLiteral("ALTER TABLE credit_adjustments MODIFY "
                                                     "user_id varbinary(36) NOT NULL")))
        return nullptr;
    return factory;
}

} // namespace

class tst_MonthlyCreditTopUp : public QObject
{
    Q_OBJECT

private slots:
    void topsUpEachUserToTheirOwnLimit_data() { test::addDatabaseRowsWithMySql(); }
    void topsUpEachUserToTheirOwnLimit()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users{
            {QStringLiteral("a-below"), 3, 10},       {QStringLiteral("b-at"), 10, 10},
            {QStringLiteral("c-above"), 15, 10},      {QStringLiteral("d-educator"), 0, 25},
            {QStringLiteral("e-unlisted-17"), 5, 17}, {QStringLiteral("f-negative"), -2, 10},
            {QStringLiteral("g-zero-limit"), 0, 0},   {QStringLiteral("h-negative-limit"), 0, -5},
        };
        QVERIFY(addUsers(db, users));

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
        const JobResult result = run.run(*factory, smallBatches(3));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));

        const auto free = balances(db);
        QCOMPARE(free.value(QStringLiteral("a-below")), 10);
        QCOMPARE(free.value(QStringLiteral("b-at")), 10);
        QCOMPARE(free.value(QStringLiteral("c-above")), 15); // never reduced
        QCOMPARE(free.value(QStringLiteral("d-educator")), 25);
        QCOMPARE(free.value(QStringLiteral("e-unlisted-17")), 17); // a limit nobody configured
        QCOMPARE(free.value(QStringLiteral("f-negative")), -2);
        QCOMPARE(free.value(QStringLiteral("g-zero-limit")), 0);
        QCOMPARE(free.value(QStringLiteral("h-negative-limit")), 0);
        QCOMPARE(free.size(), users.size()); // and no paid_credits changed

        const auto rows = audits(db, dialect);
        QCOMPARE(rows.size(), 3);
        const QRegularExpression uuid(QStringLiteral(
            "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        const struct
        {
            const char *user;
            int credits;
            const char *reason;
        } expected[] = {
            {"a-below", 7, "Monthly free credit top-up: topped up to 10"},
            {"d-educator", 25, "Monthly free credit top-up: topped up to 25"},
            {"e-unlisted-17", 12, "Monthly free credit top-up: topped up to 17"},
        };
        QSet<QString> ids;
        for (const auto &row : expected) {
            const QString user = QString::fromLatin1(row.user);
            QCOMPARE(rows.count(user), 1);
            const Audit audit = rows.value(user);
            QCOMPARE(audit.credits, row.credits);
            QCOMPARE(audit.reason, QString::fromLatin1(row.reason));
            QCOMPARE(audit.period, QStringLiteral("2026-12"));
            QVERIFY2(uuid.match(audit.id).hasMatch(), qPrintable(audit.id));
            ids.insert(audit.id);
            QVERIFY2(audit.createdAt >= before &&
                         audit.createdAt <= QDateTime::currentDateTimeUtc().addSecs(2),
                     qPrintable(audit.createdAt.toString(Qt::ISODate)));
        }
        QCOMPARE(ids.size(), 3);
        if (dialect == SqlDialect::Sqlite) { // the app's text format, UTC, whole seconds
            QSqlQuery query(db);
            query.exec(QStringLiteral("SELECT created_at FROM credit_adjustments"));
            while (query.next())
                QVERIFY(QRegularExpression(
                            QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"))
                            .match(query.value(0).toString())
                            .hasMatch());
        }

        const QJsonObject summary = result.summary();
        QCOMPARE(summary.value(QStringLiteral("period")).toString(), QStringLiteral("2026-12"));
        QCOMPARE(summary.value(QStringLiteral("usersScanned")).toInteger(), 8);
        QCOMPARE(summary.value(QStringLiteral("usersToppedUp")).toInteger(), 3);
        QCOMPARE(summary.value(QStringLiteral("creditsGranted")).toInteger(), 44);
        QCOMPARE(summary.value(QStringLiteral("alreadyToppedUp")).toInteger(), 0);
        // Skipped for a negative balance: only f, below its limit. g and h are at or above
        // theirs (0 and -5): not owed, not skipped.
        QCOMPARE(summary.value(QStringLiteral("usersSkippedNegative")).toInteger(), 1);
        QCOMPARE(summary.value(QStringLiteral("usersWithoutBalanceOrLimit")).toInteger(), 0);
        QCOMPARE(summary.value(QStringLiteral("dryRun")).toBool(), false);
        QCOMPARE(summary.value(QStringLiteral("batches")).toInteger(), 3);
        const QJsonObject byLimit = summary.value(QStringLiteral("byLimit")).toObject();
        QCOMPARE(byLimit.keys(),
                 (QStringList{QStringLiteral("10"), QStringLiteral("17"), QStringLiteral("25")}));
        QCOMPARE(byLimit.value(QStringLiteral("17")).toObject(),
                 (QJsonObject{{QStringLiteral("users"), 1}, {QStringLiteral("credits"), 12}}));
        QCOMPARE(
            RunSummaryText::of(QString::fromLatin1(MonthlyCreditTopUpJob::name), summary, false),
            QStringLiteral("Topped up 3 users with 44 credits for 2026-12 (0 already had "
                           "theirs, 1 skipped: negative balance)"));
        QCOMPARE(run.state->progress().done, 8);
        QCOMPARE(run.state->progress().total, 8);
        QVERIFY(run.logged(QStringLiteral("Batch committed")));
    }

    // Audit ids grow with the users' ids, within a batch and from one batch to the next, so
    // that every grant is appended to the end of the audit log's primary key (see
    // CreditTopUpStatements). 60 users owed, batches of 40: one full batch, one of 20.
    void auditIdsGrowWithTheUsers_data() { test::addDatabaseRowsWithMySql(); }
    void auditIdsGrowWithTheUsers()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QList<User> users;
        for (int i = 0; i < 60; ++i)
            users.append({userId(i), i % 10, 10 + i % 3}); // every one below the limit
        QVERIFY(addUsers(db, users));

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches(40));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("batches")).toInteger(), 2);

        QMap<QString, QString> userByAuditId; // sorted by audit id
        const auto rows = audits(db, dialect);
        for (auto it = rows.begin(); it != rows.end(); ++it)
            userByAuditId.insert(it.value().id, it.key());
        QCOMPARE(userByAuditId.size(), users.size());
        QStringList expected;
        for (const User &user : users)
            expected.append(user.id);
        QCOMPARE(userByAuditId.values(), expected);
    }

    // Batches grow while each takes less than the time target (issue 19): from the batch size,
    // at most doubling, on PostgreSQL and MySQL/MariaDB; SQLite's stay at the batch size (a
    // batch holds the whole database's write lock). With a target of a minute every batch here
    // is far faster than half of it, so each one doubles.
    void batchesGrowWhileFasterThanTheTarget_data() { test::addDatabaseRowsWithMySql(); }
    void batchesGrowWhileFasterThanTheTarget()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(30);
        QVERIFY(addUsers(db, users));

        MonthlyCreditTopUpJob::Settings settings = smallBatches(2);
        settings.batchTarget = 60s;
        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        checkAllToppedUpOnce(db, dialect, users, QStringLiteral("2026-12"));

        QList<qint64> sizes;
        QList<qint64> estimates;
        for (const LogLine &line : run.state->logLines()) {
            if (line.message == QStringLiteral("Batch committed")) {
                sizes.append(line.fields.value(QStringLiteral("users")).toLongLong());
                estimates.append(line.fields.value(QStringLiteral("batches")).toLongLong());
            }
        }
        const QList<qint64> expected =
            dialect == SqlDialect::Sqlite ? QList<qint64>(15, 2) : QList<qint64>{2, 4, 8, 16};
        QCOMPARE(sizes, expected);
        // "Batch N of M": M counts the growth to come, from the first batch on (not 8, 5, 4).
        QCOMPARE(estimates, QList<qint64>(expected.size(), expected.size()));
        QCOMPARE(result.summary().value(QStringLiteral("batches")).toInteger(), expected.size());
        QCOMPARE(run.fieldsOf(QStringLiteral("Monthly credit top-up starting"))
                     .value(QStringLiteral("batchTargetMs"))
                     .toLongLong(),
                 dialect == SqlDialect::Sqlite ? 0 : 60000);
    }

    // The run tunes its SQLite connection (cache, checkpoints, a memory map) for itself only:
    // the worker's connection serves the next job with the settings it had.
    void sqliteTuningEndsWithTheRun()
    {
        test::TestDatabase database(SqlDialect::Sqlite);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(addUsers(db, {{QStringLiteral("a"), 1, 10}, {QStringLiteral("b"), 2, 10}}));
        const auto pragmas = [&db] {
            QStringList values;
            for (const char *name : {"cache_size", "wal_autocheckpoint", "mmap_size"}) {
                QSqlQuery query(db);
                if (query.exec(QStringLiteral("PRAGMA ") + QLatin1String(name)) && query.next())
                    values.append(QLatin1String(name) + u'=' + query.value(0).toString());
            }
            return values;
        };
        const QStringList before = pragmas();
        QCOMPARE(before.size(), 3);

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches(1));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(pragmas(), before);
    }

    // The work table is a MEMORY table on MySQL/MariaDB; a server that refuses that engine
    // (MariaDB's enforce_storage_engine, set on Galera clusters; under the default
    // NO_ENGINE_SUBSTITUTION a CREATE ... ENGINE=MEMORY fails) still gets its top-up. The
    // variable needs SUPER, which the test database's own user lacks: it is set globally for
    // as long as the job's connection takes to open (a session takes it when it connects).
    void mySqlServerRefusingMemoryTablesStillTopsUp()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        if (auto error =
                database.mysqlAdmin(QStringLiteral("SET GLOBAL enforce_storage_engine = 'InnoDB'")))
            QSKIP(qPrintable(QStringLiteral("Not MariaDB (no enforce_storage_engine): ") + *error));
        std::optional<QString> resetFailed;
        const auto factory = [&] { // the global setting lasts until the connection is open
            const auto reset = qScopeGuard([&] {
                resetFailed = database.mysqlAdmin(
                    QStringLiteral("SET GLOBAL enforce_storage_engine = DEFAULT"));
            });
            return migrated(database);
        }();
        QVERIFY2(!resetFailed, qPrintable(resetFailed.value_or(QString())));
        auto db = factory->connectionForCurrentThread().value();
        // The session refuses MEMORY tables, as such a server's do.
        QVERIFY(
            !exec(db, QStringLiteral("CREATE TEMPORARY TABLE test_engine (a int) ENGINE=MEMORY")));
        const QList<User> users = manyUsers(7);
        QVERIFY(addUsers(db, users));

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches(3));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        checkAllToppedUpOnce(db, SqlDialect::MySql, users, QStringLiteral("2026-12"));
    }

    // A users.id without a collation (binary) on MySQL: the work table cannot order its ids as
    // users.id orders them, so each batch's range is looked up before the batch. Here the
    // orders differ: binary puts "Z1" before "a2", a case-insensitive collation after it.
    void mySqlBinaryUserIdsTopUp()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = mySqlWithBinaryIds(database, false);
        QVERIFY(factory);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users{{QStringLiteral("Y1"), 0, 10},
                                {QStringLiteral("Z1"), 1, 10},
                                {QStringLiteral("a2"), 2, 10},
                                {QStringLiteral("b2"), 3, 10},
                                {QStringLiteral("c3"), 4, 10}};
        QVERIFY(addUsers(db, users));

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches(3));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("batches")).toInteger(), 2);
        checkAllToppedUpOnce(db, SqlDialect::MySql, users, QStringLiteral("2026-12"));
    }

    // Binary ids that differ only in case are two users, to the work table as well: under the
    // default collation (case-insensitive) it refused the second of one batch, the batch
    // failed on every attempt and its users went without (found by a review, 2026-12-06).
    void mySqlBinaryUserIdsDifferingInCaseTopUp()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        // Both sides binary, or the audit log's own (user_id, period) key would take them for one.
        auto factory = mySqlWithBinaryIds(database, true);
        QVERIFY(factory);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users{{QStringLiteral("a2"), 2, 10}, {QStringLiteral("b2"), 3, 10}};
        QVERIFY(addUsers(db, users));
        QVERIFY(exec(db, QStringLiteral("INSERT INTO users (id, email, free_credits, "
                                        "paid_credits, monthly_credit_limit) VALUES ('A2', "
                                        "'upper-a2@example.org', 4, 7, 10)")));

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches(3));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 3);
        checkAllToppedUpOnce(db, SqlDialect::MySql, users + QList<User>{{u"A2"_s, 4, 10}},
                             QStringLiteral("2026-12"));
    }

    void runsOncePerUserAndPeriod_data() { test::addDatabaseRowsWithMySql(); }
    void runsOncePerUserAndPeriod()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(20);
        QVERIFY(addUsers(db, users));

        const JobResult first = TestRun(utc("2026-12-01T00:00:00Z")).run(*factory, smallBatches());
        QVERIFY2(first.isSuccess(), qPrintable(first.error()));
        checkAllToppedUpOnce(db, dialect, users, QStringLiteral("2026-12"));
        const qint64 granted = first.summary().value(QStringLiteral("usersToppedUp")).toInteger();
        QCOMPARE(granted, 10);

        // Spending after the top-up does not earn a second one in the same month, not even
        // from a manual run or a retry.
        QVERIFY(exec(db, QStringLiteral("UPDATE users SET free_credits = 0 WHERE id IN "
                                        "(SELECT user_id FROM credit_adjustments)")));
        TestRun rerun(utc("2026-12-03T09:00:00Z"), RunTrigger::Manual);
        const JobResult again = rerun.run(*factory, smallBatches());
        QVERIFY2(again.isSuccess(), qPrintable(again.error()));
        QCOMPARE(again.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 0);
        QCOMPARE(again.summary().value(QStringLiteral("creditsGranted")).toInteger(), 0);
        QCOMPARE(again.summary().value(QStringLiteral("alreadyToppedUp")).toInteger(), granted);
        // Its survey found nobody owed: it visited no batch, yet accounts for every user.
        QCOMPARE(again.summary().value(QStringLiteral("batches")).toInteger(), 0);
        QCOMPARE(again.summary().value(QStringLiteral("usersScanned")).toInteger(), 20);
        QVERIFY(rerun.logged(QStringLiteral("Nobody is owed a top-up of this period")));
        QCOMPARE(audits(db, dialect).size(), 10);
        const auto spent = balances(db);
        for (const User &user : users) {
            QCOMPARE(spent.value(user.id), user.free < user.limit ? 0 : user.free);
        }

        // One owed user among the done ones, last in id order, is found and topped up (21
        // users in batches of 4: it is the tail after the last whole batch's boundary).
        QVERIFY(addUsers(db, {User{QStringLiteral("zz-late-signup"), 2, 10}}));
        const JobResult late =
            TestRun(utc("2026-12-20T09:00:00Z"), RunTrigger::Manual).run(*factory, smallBatches(4));
        QVERIFY2(late.isSuccess(), qPrintable(late.error()));
        QCOMPARE(late.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 1);
        QCOMPARE(late.summary().value(QStringLiteral("creditsGranted")).toInteger(), 8);
        QCOMPARE(late.summary().value(QStringLiteral("usersScanned")).toInteger(), 21);
        QCOMPARE(late.summary().value(QStringLiteral("batches")).toInteger(), 6);
        QCOMPARE(balances(db).value(QStringLiteral("zz-late-signup")), 10);
        QCOMPARE(audits(db, dialect).size(), 11);

        // The next month tops everybody up again.
        const JobResult january =
            TestRun(utc("2027-01-01T00:00:00Z")).run(*factory, smallBatches());
        QVERIFY2(january.isSuccess(), qPrintable(january.error()));
        QCOMPARE(january.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 10);
        QCOMPARE(audits(db, dialect).size(), 21);
    }

    void catchUpTopsUpTheMonthItBelongsTo_data() { test::addDatabaseRowsWithMySql(); }
    void catchUpTopsUpTheMonthItBelongsTo()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(addUsers(db, {{QStringLiteral("u1"), 0, 10}}));
        const QTimeZone auckland("Pacific/Auckland");
        // November's occurrence (local midnight, +13:00) run as a catch-up in December.
        const JobResult november =
            TestRun(utc("2026-10-31T11:00:00Z"), RunTrigger::CatchUp).run(*factory, {}, auckland);
        QVERIFY2(november.isSuccess(), qPrintable(november.error()));
        QVERIFY(exec(db, QStringLiteral("UPDATE users SET free_credits = 4")));
        // December's local midnight is still 30 November in UTC.
        const JobResult december = TestRun(utc("2026-11-30T11:00:00Z")).run(*factory, {}, auckland);
        QVERIFY2(december.isSuccess(), qPrintable(december.error()));
        QCOMPARE(november.summary().value(QStringLiteral("period")).toString(),
                 QStringLiteral("2026-11"));
        QCOMPARE(december.summary().value(QStringLiteral("period")).toString(),
                 QStringLiteral("2026-12"));
        QStringList periods;
        for (const Audit &audit : audits(db, dialect))
            periods.append(audit.period);
        periods.sort();
        QCOMPARE(periods, (QStringList{QStringLiteral("2026-11"), QStringLiteral("2026-12")}));
        QCOMPARE(december.summary().value(QStringLiteral("creditsGranted")).toInteger(), 6);
    }

    // Switching over from the web app's own scheduler (README, "Switching over"): its top-up of
    // the month, written without a period at local midnight in Auckland (still 30 November in
    // UTC), is that user's December grant. A run for December grants it again to nobody who had
    // one, not even to a user who spent credits since; the dry run says so before.
    void legacyTopUpOfTheMonthCounts_data() { test::addDatabaseRowsWithMySql(); }
    void legacyTopUpOfTheMonthCounts()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(addUsers(db, {{QStringLiteral("u-spent"), 2, 10},
                              {QStringLiteral("v-no-row"), 0, 10},
                              {QStringLiteral("w-go-text"), 3, 10},
                              {QStringLiteral("x-offset-text"), 4, 10},
                              {QStringLiteral("y-november"), 1, 10}}));
        // December in Auckland, in each form the app writes on SQLite.
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-u"), QStringLiteral("u-spent"),
                               utc("2025-11-30T11:00:00Z"), QStringLiteral("2025-11-30 11:00:00")));
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-u-again"), QStringLiteral("u-spent"),
                               utc("2025-12-15T08:00:00Z")));
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-w"), QStringLiteral("w-go-text"),
                               utc("2025-11-30T11:00:00.123Z"),
                               QStringLiteral("2025-11-30 11:00:00.123456+00:00")));
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-x"), QStringLiteral("x-offset-text"),
                               utc("2025-11-30T11:00:01.500Z"),
                               QStringLiteral("2025-12-01 00:00:01.5+13:00")));
        // A second before local midnight: November's, so y is owed December.
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-y"), QStringLiteral("y-november"),
                               utc("2025-11-30T10:59:59Z"), QStringLiteral("2025-11-30 10:59:59")));
        const QTimeZone auckland("Pacific/Auckland");
        const auto before = balances(db);

        TestRun dry(utc("2025-12-03T09:00:00Z"), RunTrigger::Manual, true);
        const JobResult preview = dry.run(*factory, smallBatches(2), auckland);
        QVERIFY2(preview.isSuccess(), qPrintable(preview.error()));
        QCOMPARE(balances(db), before);
        QCOMPARE(periods(db).values(), QStringList(5, QString()));
        QCOMPARE(preview.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 2);
        QCOMPARE(preview.summary().value(QStringLiteral("alreadyToppedUp")).toInteger(), 3);

        TestRun run(utc("2025-11-30T11:00:00Z"), RunTrigger::Scheduled);
        const JobResult result = run.run(*factory, smallBatches(2), auckland);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("period")).toString(),
                 QStringLiteral("2025-12"));
        const auto free = balances(db);
        QCOMPARE(free.value(QStringLiteral("u-spent")), 2);
        QCOMPARE(free.value(QStringLiteral("w-go-text")), 3);
        QCOMPARE(free.value(QStringLiteral("x-offset-text")), 4);
        QCOMPARE(free.value(QStringLiteral("v-no-row")), 10);
        QCOMPARE(free.value(QStringLiteral("y-november")), 10);
        const auto labels = periods(db);
        QCOMPARE(labels.value(QStringLiteral("l-u")), QStringLiteral("2025-12"));
        QCOMPARE(labels.value(QStringLiteral("l-u-again")), QString()); // one grant per user
        QCOMPARE(labels.value(QStringLiteral("l-w")), QStringLiteral("2025-12"));
        QCOMPARE(labels.value(QStringLiteral("l-x")), QStringLiteral("2025-12"));
        QCOMPARE(labels.value(QStringLiteral("l-y")), QString());
        QCOMPARE(result.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 2);
        QCOMPARE(result.summary().value(QStringLiteral("alreadyToppedUp")).toInteger(), 3);
        QCOMPARE(result.summary().value(QStringLiteral("legacyGrantsAdopted")).toInteger(), 3);
        for (const char *key : {"usersScanned", "usersToppedUp", "creditsGranted",
                                "alreadyToppedUp", "legacyGrantsAdopted", "byLimit"}) {
            QCOMPARE(preview.summary().value(QLatin1String(key)),
                     result.summary().value(QLatin1String(key)));
        }
        QVERIFY(run.warnings(stillRunningWarning).isEmpty()); // written before the switch-over

        QVERIFY(exec(db, QStringLiteral("UPDATE users SET free_credits = 0")));
        const JobResult again = TestRun(utc("2025-12-20T01:00:00Z"), RunTrigger::Manual)
                                    .run(*factory, smallBatches(2), auckland);
        QVERIFY2(again.isSuccess(), qPrintable(again.error()));
        QCOMPARE(again.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 0);
        QCOMPARE(again.summary().value(QStringLiteral("alreadyToppedUp")).toInteger(), 5);
    }

    // Rows without a period that appear after the switch-over mean the app's own scheduler still
    // runs: the run says so in a warning and its summary, as long as they are recent (this
    // month's or last month's), so that the warning ends once the app's scheduler is stopped.
    void appSchedulerStillRunningIsWarnedAbout_data() { test::addDatabaseRowsWithMySql(); }
    void appSchedulerStillRunningIsWarnedAbout()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(switchedOverAt(db, utc("2025-12-15T00:00:00Z")));
        QVERIFY(addUsers(db, {{QStringLiteral("u"), 0, 10}, {QStringLiteral("w"), 0, 10}}));
        // Before the switch-over: the app's December grant of u.
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-dec"), QStringLiteral("u"),
                               utc("2025-11-30T11:00:00Z")));
        // After it: the app's January grants at local midnight; w got ours a moment before.
        QVERIFY(exec(db, QStringLiteral("INSERT INTO credit_adjustments (id, created_at, user_id, "
                                        "credits, reason, period) VALUES ('ours-w', %1, 'w', 10, "
                                        "'Monthly free credit top-up: topped up to 10', '2026-01')")
                             .arg(dialect == SqlDialect::Postgres
                                      ? QStringLiteral("'2025-12-31 11:00:00+00'")
                                      : QStringLiteral("'2025-12-31 11:00:00'"))));
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-jan-u"), QStringLiteral("u"),
                               utc("2025-12-31T11:00:02Z")));
        QVERIFY(addLegacyTopUp(db, dialect, QStringLiteral("l-jan-w"), QStringLiteral("w"),
                               utc("2025-12-31T11:00:05Z")));
        const QTimeZone auckland("Pacific/Auckland");

        TestRun january(utc("2025-12-31T11:00:00Z"), RunTrigger::Scheduled);
        const JobResult result = january.run(*factory, smallBatches(), auckland);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 0);
        const auto warned = january.warnings(stillRunningWarning);
        QCOMPARE(warned.size(), 1);
        QVERIFY2(warned.first().message.contains(QStringLiteral("(2, newest at 2025-12-31 "
                                                                "11:00:05 UTC)")),
                 qPrintable(warned.first().message));
        QVERIFY2(warned.first().message.contains(QStringLiteral("web app's own scheduler still "
                                                                "seems to run")),
                 qPrintable(warned.first().message));
        QCOMPARE(result.summary().value(QStringLiteral("legacyRowsSinceSwitchOver")).toInteger(),
                 2);
        QCOMPARE(periods(db).value(QStringLiteral("l-jan-u")), QStringLiteral("2026-01"));
        QCOMPARE(periods(db).value(QStringLiteral("l-jan-w")), QString()); // w had ours

        // February's run still sees w's extra row of January...
        TestRun february(utc("2026-01-31T11:00:00Z"), RunTrigger::Scheduled);
        const JobResult second = february.run(*factory, smallBatches(), auckland);
        QVERIFY2(second.isSuccess(), qPrintable(second.error()));
        QCOMPARE(february.warnings(stillRunningWarning).size(), 1);
        QCOMPARE(second.summary().value(QStringLiteral("legacyRowsSinceSwitchOver")).toInteger(),
                 1);
        // ...March's no longer: nothing new appeared.
        TestRun march(utc("2026-02-28T11:00:00Z"), RunTrigger::Scheduled);
        const JobResult third = march.run(*factory, smallBatches(), auckland);
        QVERIFY2(third.isSuccess(), qPrintable(third.error()));
        QVERIFY(march.warnings(stillRunningWarning).isEmpty());
        QCOMPARE(third.summary().value(QStringLiteral("legacyRowsSinceSwitchOver")).toInteger(), 0);
    }

    void periodIsTheMonthInTheJobsZone_data()
    {
        QTest::addColumn<QDateTime>("instant");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QString>("period");
        QTest::newRow("Auckland midnight 1 Dec (+13)")
            << utc("2026-11-30T11:00:00Z") << QByteArray("Pacific/Auckland") << "2026-12";
        QTest::newRow("Auckland a second earlier")
            << utc("2026-11-30T10:59:59Z") << QByteArray("Pacific/Auckland") << "2026-11";
        QTest::newRow("UTC") << utc("2026-12-01T00:00:00Z") << QByteArray("UTC") << "2026-12";
        QTest::newRow("New York 1 Jan is 31 Dec")
            << utc("2027-01-01T04:59:00Z") << QByteArray("America/New_York") << "2026-12";
    }
    void periodIsTheMonthInTheJobsZone()
    {
        QFETCH(QDateTime, instant);
        QFETCH(QByteArray, zone);
        QFETCH(QString, period);
        QCOMPARE(MonthlyCreditTopUpJob::periodOf(instant, QTimeZone(zone)), period);
    }

    void scheduledAtLocalMidnightOnTheFirst()
    {
        const QTimeZone auckland("Pacific/Auckland");
        const JobDefinition definition = MonthlyCreditTopUpJob::definition(nullptr, auckland, {});
        QCOMPARE(definition.name, job);
        QCOMPARE(definition.schedule.nextMSecs(utc("2026-11-15T00:00:00Z").toMSecsSinceEpoch()),
                 utc("2026-11-30T11:00:00Z").toMSecsSinceEpoch());
    }

    void dryRunChangesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void dryRunChangesNothing()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(12);
        QVERIFY(addUsers(db, users));
        const auto before = balances(db);

        TestRun dry(utc("2026-12-01T00:00:00Z"), RunTrigger::Manual, true);
        const JobResult preview = dry.run(*factory, smallBatches());
        QVERIFY2(preview.isSuccess(), qPrintable(preview.error()));
        QCOMPARE(balances(db), before);
        QCOMPARE(audits(db, dialect).size(), 0);
        QCOMPARE(preview.summary().value(QStringLiteral("dryRun")).toBool(), true);

        // It reported exactly what the real run then does.
        const JobResult real = TestRun(utc("2026-12-01T00:00:00Z")).run(*factory, smallBatches());
        QVERIFY2(real.isSuccess(), qPrintable(real.error()));
        for (const char *key : {"usersScanned", "usersToppedUp", "creditsGranted",
                                "alreadyToppedUp", "usersSkippedNegative", "byLimit"}) {
            QCOMPARE(preview.summary().value(QLatin1String(key)),
                     real.summary().value(QLatin1String(key)));
        }
        QCOMPARE(real.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 6);
    }

    // A run that fails before it could count the users (here its users table is gone; on
    // MariaDB it was the app's tables' collations) cannot say how many are owed: it said
    // "0 users not topped up" while users were owed.
    void failureBeforeTheCountSaysNoUserWasToppedUp_data() { test::addDatabaseRowsWithMySql(); }
    void failureBeforeTheCountSaysNoUserWasToppedUp()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(addUsers(db, manyUsers(5)));
        QVERIFY(exec(db, QStringLiteral("ALTER TABLE users RENAME TO users_elsewhere")));
        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.run(*factory, smallBatches());
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().contains(QStringLiteral(
                     "No user was topped up: the run stopped before it counted the users. The "
                     "retry tops up period 2026-12")),
                 qPrintable(result.error()));
        QVERIFY2(!result.error().contains(QStringLiteral("0 users not topped up")),
                 qPrintable(result.error()));
    }

    void stoppedRunChangesNothingMore_data() { test::addDatabaseRowsWithMySql(); }
    void stoppedRunChangesNothingMore()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        QVERIFY(addUsers(db, manyUsers(9)));
        TestRun run(utc("2026-12-01T00:00:00Z"));
        run.state->stopSource().requestStop(StopReason::Cancelled);
        const JobResult result = run.run(*factory, smallBatches());
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().startsWith(QStringLiteral("Cancelled after 0 of 3 batches")),
                 qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("usersToppedUp")).toInteger(), 0);
        QCOMPARE(run.state->record().outcome, RunOutcome::Cancelled);
        QCOMPARE(audits(db, dialect).size(), 0);

        // The words people read count as the summaries do: thousands grouped.
        QVERIFY(addUsers(db, manyUsers(1200).mid(9))); // 1,200 users in all
        TestRun many(utc("2026-12-01T00:00:00Z"));
        many.state->stopSource().requestStop(StopReason::Cancelled);
        const JobResult manyResult = many.run(*factory, smallBatches(1));
        QVERIFY2(manyResult.error().startsWith(QStringLiteral("Cancelled after 0 of 1,2")),
                 qPrintable(manyResult.error()));
    }

    void failedBatchKeepsEarlierOnesAndRerunFinishes_data() { test::addDatabaseRowsWithMySql(); }
    void failedBatchKeepsEarlierOnesAndRerunFinishes()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(12); // batches of 3: user-0004 is in batch 2 of 4
        QVERIFY(addUsers(db, users));
        const QString failing = userId(4);
        if (dialect == SqlDialect::Sqlite) {
            QVERIFY(exec(db, QStringLiteral("CREATE TRIGGER test_refuse BEFORE INSERT ON "
                                            "credit_adjustments WHEN NEW.user_id = '%1' BEGIN "
                                            "SELECT RAISE(ABORT, 'test refuses this user'); END")
                                 .arg(failing)));
        } else if (dialect == SqlDialect::MySql) {
            QVERIFY(exec(db, QStringLiteral("CREATE TRIGGER test_refuse BEFORE INSERT ON "
                                            "credit_adjustments FOR EACH ROW BEGIN IF "
                                            "NEW.user_id = '%1' THEN SIGNAL SQLSTATE '45000' SET "
                                            "MESSAGE_TEXT = 'test refuses this user'; END IF; END")
                                 .arg(failing)));
        } else {
            QVERIFY(exec(db, QStringLiteral("CREATE FUNCTION test_refuse() RETURNS trigger "
                                            "LANGUAGE plpgsql AS $$ BEGIN IF NEW.user_id = '%1' "
                                            "THEN RAISE EXCEPTION 'test refuses this user'; END "
                                            "IF; RETURN NEW; END $$")
                                 .arg(failing)));
            QVERIFY(exec(db, QStringLiteral("CREATE TRIGGER test_refuse BEFORE INSERT ON "
                                            "credit_adjustments FOR EACH ROW EXECUTE FUNCTION "
                                            "test_refuse()")));
        }

        TestRun broken(utc("2026-12-01T00:00:00Z"));
        const JobResult failed = broken.run(*factory, smallBatches());
        QVERIFY(!failed.isSuccess());
        // The failing batch is reported and the run goes on: every later user has this
        // month's credits now; only the failing batch's users wait for the retry. Of its 3
        // users 2 are owed (user-0005 is at its limit): the error counts those, not all 3.
        QVERIFY2(failed.error().startsWith(
                     QStringLiteral("2 users still owed a top-up: 1 of 4 batches failed (first: "
                                    "Batch 2 of 4")),
                 qPrintable(failed.error()));
        QVERIFY2(failed.error().contains(QStringLiteral("), holding 3 users. The other batches")),
                 qPrintable(failed.error()));
        QCOMPARE(failed.summary().value(QStringLiteral("usersStillOwed")).toInteger(), 2);
        QVERIFY2(failed.error().contains(QStringLiteral("test refuses this user")),
                 qPrintable(failed.error()));
        QVERIFY2(!failed.error().contains(QStringLiteral("attempts")), // not transient
                 qPrintable(failed.error()));
        QCOMPARE(broken.state->record().outcome, RunOutcome::Failed);
        QVERIFY(broken.logged(QStringLiteral("Batch failed; its users are left for the retry")));
        // Batches 1, 3 and 4 committed; batch 2 (users 3-5) rolled back as a whole.
        QList<User> outsideBatch2 = users.mid(0, 3) + users.mid(6);
        checkAllToppedUpOnce(db, dialect, outsideBatch2, QStringLiteral("2026-12"));
        const auto free = balances(db);
        for (const User &user : users.mid(3, 3))
            QCOMPARE(free.value(user.id), user.free);
        const qsizetype grantedFirst = audits(db, dialect).size();
        QVERIFY(grantedFirst > 1);
        QCOMPARE(failed.summary().value(QStringLiteral("usersToppedUp")).toInteger(), grantedFirst);
        QCOMPARE(failed.summary().value(QStringLiteral("failedBatches")).toInteger(), 1);

        QVERIFY(
            exec(db, QStringLiteral("DROP TRIGGER test_refuse") +
                         (dialect == SqlDialect::Postgres ? QStringLiteral(" ON credit_adjustments")
                                                          : QString())));
        const JobResult rerun =
            TestRun(utc("2026-12-01T00:00:00Z"), RunTrigger::Retry).run(*factory, smallBatches());
        QVERIFY2(rerun.isSuccess(), qPrintable(rerun.error()));
        checkAllToppedUpOnce(db, dialect, users, QStringLiteral("2026-12"));
        QCOMPARE(audits(db, dialect).size(), 6);
        QCOMPARE(rerun.summary().value(QStringLiteral("usersToppedUp")).toInteger(),
                 6 - grantedFirst);
        QCOMPARE(rerun.summary().value(QStringLiteral("alreadyToppedUp")).toInteger(),
                 grantedFirst);
    }

    // Batches that fail one after another (here: every grant refused) stop the run after
    // three: going on would only fail every batch in turn.
    void batchesFailingInARowStopTheRun_data() { test::addDatabaseRowsWithMySql(); }
    void batchesFailingInARowStopTheRun()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(30);
        QVERIFY(addUsers(db, users));
        QVERIFY(exec(db, QStringLiteral("ALTER TABLE credit_adjustments ADD COLUMN refuse "
                                        "integer NOT NULL DEFAULT 1 CHECK (refuse = 0)")));
        TestRun broken(utc("2026-12-01T00:00:00Z"));
        const JobResult failed = broken.run(*factory, smallBatches());
        QVERIFY(!failed.isSuccess());
        QCOMPARE(failed.summary().value(QStringLiteral("failedBatches")).toInteger(), 3);
        QVERIFY2(failed.error().contains(QStringLiteral("30 users were left for the retry")),
                 qPrintable(failed.error()));
        QCOMPARE(audits(db, dialect).size(), 0);
    }

    void concurrentRunsGrantOnce_data() { test::addDatabaseRowsWithMySql(); }
    void concurrentRunsGrantOnce()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(400);
        QVERIFY(addUsers(db, users));

        // Two instances, each with its own connections, run the same period at once.
        auto settings = smallBatches(7);
        settings.batchRetryAttempts = 10;
        JobResult results[2] = {JobResult::failure({}), JobResult::failure({})};
        std::unique_ptr<QThread> threads[2];
        for (int i = 0; i < 2; ++i) {
            threads[i].reset(QThread::create([&, i] {
                ConnectionFactory own(database.url());
                results[i] = TestRun(utc("2026-12-01T00:00:00Z")).run(own, settings);
            }));
        }
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
        for (const JobResult &result : results)
            QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        checkAllToppedUpOnce(db, dialect, users, QStringLiteral("2026-12"));
        QCOMPARE(audits(db, dialect).size(), 200);
        qint64 toppedUp = 0;
        for (const JobResult &result : results)
            toppedUp += result.summary().value(QStringLiteral("usersToppedUp")).toInteger();
        QCOMPARE(toppedUp, 200);
    }

    void transientErrorIsRetriedAndStopEndsTheWait_data() { test::addDatabaseRowsWithMySql(); }
    void transientErrorIsRetriedAndStopEndsTheWait()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionOptions options;
        options.sqliteBusyTimeout = 50ms;
        options.mysqlLockWaitTimeout = 1s;
        auto factory = migrated(database, options);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users = manyUsers(6);
        QVERIFY(addUsers(db, users));
        if (dialect == SqlDialect::Postgres) {
            QSqlQuery name(db);
            QVERIFY(name.exec(QStringLiteral("SELECT current_database()")) && name.next());
            QVERIFY(exec(db, QStringLiteral("ALTER DATABASE %1 SET lock_timeout = '50ms'")
                                 .arg(name.value(0).toString())));
        }

        for (const bool cancel : {false, true}) {
            if (cancel) // owed again, in January
                QVERIFY(exec(db, QStringLiteral("UPDATE users SET free_credits = 0")));
            // Another writer holds what the first batch needs: busy (SQLite), lock timeout
            // (PostgreSQL) until it lets go.
            QVERIFY(db.transaction());
            QVERIFY(exec(db, dialect == SqlDialect::Sqlite
                                 ? QStringLiteral("UPDATE users SET name = 'x' WHERE id = 'none'")
                                 : QStringLiteral("SELECT id FROM users FOR UPDATE")));
            auto settings = smallBatches();
            settings.batchRetryAttempts = 10;
            settings.batchRetryBaseDelay = cancel ? 600s : 20ms;
            TestRun run(utc(cancel ? "2027-01-01T00:00:00Z" : "2026-12-01T00:00:00Z"));
            JobResult result = JobResult::failure({});
            std::unique_ptr<QThread> thread(QThread::create([&] {
                ConnectionFactory own(database.url(), options);
                result = run.run(own, settings);
            }));
            thread->start();
            QTRY_VERIFY_WITH_TIMEOUT(
                run.logged(QStringLiteral("Transient database error; retrying")), 20000);
            if (cancel)
                run.state->stopSource().requestStop(StopReason::Cancelled);
            QVERIFY(db.rollback());
            QVERIFY(thread->wait(20000));
            if (cancel) {
                QVERIFY2(result.error().startsWith(QStringLiteral("Cancelled after 0 of 2")),
                         qPrintable(result.error()));
                QCOMPARE(run.state->record().outcome, RunOutcome::Cancelled);
            } else {
                QVERIFY2(result.isSuccess(), qPrintable(result.error()));
                checkAllToppedUpOnce(db, dialect, users, QStringLiteral("2026-12"));
            }
        }
        QCOMPARE(audits(db, dialect).size(), 3); // nothing of January
        for (int balance : balances(db))
            QCOMPARE(balance, 0);
    }

    // REGULAR_USER_FREE_CREDITS, EDUCATOR_FREE_CREDITS and CUSTOM_CREDIT_DOMAINS are only
    // reported (every user's own limit is topped up): they are read as the app reads them, a
    // bad number counting as the default and a bad domain item skipped, with a warning, and
    // never stop the job.
    void reportOnlySettingsAreReadAsTheAppReadsThem_data()
    {
        using Domains = QList<QPair<QString, int>>;
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<Domains>("domains");
        QTest::addColumn<int>("regular");
        QTest::addColumn<int>("educator");
        QTest::addColumn<QString>("warning"); // empty: none
        const Domains both{{u"@school.example"_s, 40}, {u"@uni.example"_s, 30}};
        QTest::newRow("domains") << "CUSTOM_CREDIT_DOMAINS"
                                 << "@school.example:40,@uni.example:30" << both << 10 << 25
                                 << QString();
        QTest::newRow("domains with spaces")
            << "CUSTOM_CREDIT_DOMAINS"
            << " @school.example : 40 , @uni.example:30 " << both << 10 << 25 << QString();
        QTest::newRow("trailing comma")
            << "CUSTOM_CREDIT_DOMAINS"
            << "@school.example:40," << Domains{{u"@school.example"_s, 40}} << 10 << 25
            << "CUSTOM_CREDIT_DOMAINS: \"\" is an empty item";
        QTest::newRow("empty item")
            << "CUSTOM_CREDIT_DOMAINS"
            << "@a.example:4,,@b.example:5" << Domains{{u"@a.example"_s, 4}, {u"@b.example"_s, 5}}
            << 10 << 25 << "CUSTOM_CREDIT_DOMAINS: \"\" is an empty item";
        QTest::newRow("domain without number")
            << "CUSTOM_CREDIT_DOMAINS"
            << "school:x,@uni.example:30" << Domains{{u"@uni.example"_s, 30}} << 10 << 25
            << "CUSTOM_CREDIT_DOMAINS: \"school:x\" has credits \"x\"";
        QTest::newRow("domain without colon")
            << "CUSTOM_CREDIT_DOMAINS"
            << "@school.example" << Domains{} << 10 << 25
            << "CUSTOM_CREDIT_DOMAINS: \"@school.example\" has no ':'";
        QTest::newRow("two colons") << "CUSTOM_CREDIT_DOMAINS"
                                    << "@a.example:4:5" << Domains{} << 10 << 25
                                    << "CUSTOM_CREDIT_DOMAINS: \"@a.example:4:5\" has more than "
                                       "one ':'";
        QTest::newRow("negative credits")
            << "CUSTOM_CREDIT_DOMAINS"
            << "@a.example:-4" << Domains{} << 10 << 25
            << "CUSTOM_CREDIT_DOMAINS: \"@a.example:-4\" has credits \"-4\"";
        QTest::newRow("the last of a domain counts")
            << "CUSTOM_CREDIT_DOMAINS"
            << "@a.example:4,@b.example:5,@a.example:6"
            << Domains{{u"@a.example"_s, 6}, {u"@b.example"_s, 5}} << 10 << 25 << QString();
        QTest::newRow("regular") << "REGULAR_USER_FREE_CREDITS"
                                 << "12" << Domains{} << 12 << 25 << QString();
        QTest::newRow("regular above a million")
            << "REGULAR_USER_FREE_CREDITS"
            << "2000000" << Domains{} << 2000000 << 25 << QString();
        QTest::newRow("regular text") << "REGULAR_USER_FREE_CREDITS"
                                      << "ten" << Domains{} << 10 << 25
                                      << "REGULAR_USER_FREE_CREDITS: \"ten\" is not a whole "
                                         "number";
        QTest::newRow("educator negative")
            << "EDUCATOR_FREE_CREDITS"
            << "-1" << Domains{} << 10 << 25 << "EDUCATOR_FREE_CREDITS: \"-1\" is not a whole";
    }
    void reportOnlySettingsAreReadAsTheAppReadsThem()
    {
        using Domains = QList<QPair<QString, int>>;
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(Domains, domains);
        QFETCH(int, regular);
        QFETCH(int, educator);
        QFETCH(QString, warning);
        QProcessEnvironment environment;
        environment.insert(variable, value);
        const auto values =
            SettingValues::resolve(MonthlyCreditTopUpJob::settingSpecs(), environment);
        QVERIFY2(values, qPrintable(values ? QString() : values.error()));
        if (warning.isEmpty()) {
            QVERIFY2(values->warnings().isEmpty(), qPrintable(values->warnings().join(u'\n')));
        } else {
            QCOMPARE(values->warnings().size(), 1);
            QVERIFY2(values->warnings().constFirst().startsWith(warning),
                     qPrintable(values->warnings().constFirst()));
        }
        const auto settings = MonthlyCreditTopUpJob::settingsFrom(values.value());
        QVERIFY2(settings, qPrintable(settings ? QString() : settings.error()));
        QCOMPARE(settings->customCreditDomains, domains);
        QCOMPARE(settings->regularCredits, regular);
        QCOMPARE(settings->educatorCredits, educator);
    }

    // The job as the scheduler gets it from the catalog, with a trailing comma in
    // CUSTOM_CREDIT_DOMAINS, a word for REGULAR_USER_FREE_CREDITS and a bad stored educator
    // allowance: it tops everyone up, and its log says what was not used and why.
    void reportOnlySettingsNeverBlockARun_data() { test::addDatabaseRowsWithMySql(); }
    void reportOnlySettingsNeverBlockARun()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = migrated(database);
        auto db = factory->connectionForCurrentThread().value();
        const QList<User> users{{u"a-below"_s, 3, 10}, {u"b-at"_s, 10, 10}, {u"c-owed"_s, 0, 40}};
        QVERIFY(addUsers(db, users));
        QProcessEnvironment environment;
        environment.insert(u"CUSTOM_CREDIT_DOMAINS"_s, u"@school.example:40,"_s);
        environment.insert(u"REGULAR_USER_FREE_CREDITS"_s, u"ten"_s);
        const CatalogEntry *entry = JobCatalog::find(job);
        QVERIFY(entry);
        const JobDefinition def =
            JobCatalog::configuredJob(*entry, factory, utcZone, environment,
                                      {{u"educatorCredits"_s, u"lots"_s}, {u"batchSize"_s, 2}});

        TestRun run(utc("2026-12-01T00:00:00Z"));
        const JobResult result = run.runBody(def);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        checkAllToppedUpOnce(db, dialect, users, u"2026-12"_s);
        QCOMPARE(result.summary().value(u"usersToppedUp"_s).toInt(), 2);

        const QStringList warnings = run.warnings();
        QCOMPARE(warnings.size(), 3);
        QVERIFY2(warnings.at(0).startsWith(u"REGULAR_USER_FREE_CREDITS: \"ten\" is not a whole "
                                           "number from 0 to 2147483647; using 10 (the default) "
                                           "instead"_s),
                 qPrintable(warnings.at(0)));
        QVERIFY2(warnings.at(1).startsWith(u"educatorCredits: \"lots\" is not a whole number"_s),
                 qPrintable(warnings.at(1)));
        QVERIFY2(warnings.at(1).contains(u"using 25 (the default) instead"_s),
                 qPrintable(warnings.at(1)));
        QVERIFY2(warnings.at(2).startsWith(u"CUSTOM_CREDIT_DOMAINS: \"\" is an empty item"_s),
                 qPrintable(warnings.at(2)));
        QVERIFY2(warnings.at(2).contains(
                     u"using \"@school.example:40\" (from the environment) instead"_s),
                 qPrintable(warnings.at(2)));
        const QVariantMap started = run.fieldsOf(u"Monthly credit top-up starting"_s);
        QCOMPARE(started.value(u"tiers"_s).toString(),
                 u"regular=10 educator=25 custom=@school.example:40"_s);
        QCOMPARE(started.value(u"batchSize"_s).toInt(), 2);
    }

    void storedSettingsAreValidated_data()
    {
        QTest::addColumn<QJsonObject>("stored");
        QTest::addColumn<QString>("error");
        QTest::newRow("batch 0") << QJsonObject{{QStringLiteral("batchSize"), 0}}
                                 << "batchSize: \"0\" is not a whole number from 1 to 100000";
        QTest::newRow("attempts 11")
            << QJsonObject{{QStringLiteral("batchRetryAttempts"), 11}} << "batchRetryAttempts: ";
        QTest::newRow("delay") << QJsonObject{{QStringLiteral("batchRetryDelayMs"), -5}}
                               << "batchRetryDelayMs: ";
        QTest::newRow("fine") << QJsonObject{{QStringLiteral("batchSize"), 250},
                                             {QStringLiteral("batchRetryDelayMs"), 5}}
                              << QString();
    }
    void storedSettingsAreValidated()
    {
        QFETCH(QJsonObject, stored);
        QFETCH(QString, error);
        const auto values = SettingValues::resolve(MonthlyCreditTopUpJob::settingSpecs(),
                                                   QProcessEnvironment(), stored);
        QCOMPARE(values.hasValue(), error.isEmpty());
        if (!error.isEmpty()) {
            QVERIFY2(values.error().startsWith(error), qPrintable(values.error()));
            return;
        }
        const auto settings = MonthlyCreditTopUpJob::settingsFrom(values.value());
        QVERIFY(settings);
        QCOMPARE(settings->batchSize, 250);
        QCOMPARE(settings->batchRetryBaseDelay, 5ms);
        QCOMPARE(settings->batchRetryAttempts, 3);
        QCOMPARE(settings->regularCredits, 10);
        QCOMPARE(settings->educatorCredits, 25);
    }
};

QTEST_GUILESS_MAIN(tst_MonthlyCreditTopUp)
#include "tst_monthlycredittopup.moc"
