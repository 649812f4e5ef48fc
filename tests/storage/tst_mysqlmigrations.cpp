// The scheduler's schema on MySQL/MariaDB (issue 16), on a real MariaDB server:
//  - an empty database migrates to the newest version, and again changes nothing; the tables
//    work as the other dialects' do (the reserved column names, the run log's cascade);
//  - the app's tables exactly as its own migrations create them on MySQL
//    (tests/support/fixtures/app-schema-mysql.sql) are adopted as they are: every app column keeps
//    its type, default and nullability, users keeps its composite key, and only what the scheduler
//    needs is added (credit_adjustments.period and its unique key, indexes);
//  - the app's own top-ups without a period get one where their month is the same in every
//    zone, as on the other dialects;
//  - two instances migrating at once both succeed, and each version is recorded once.
#include "storage/ConnectionFactory.h"
#include "storage/MigrationCatalog.h"
#include "storage/Migrator.h"

#include "AppSchema.h"
#include "SqlScalar.h"
#include "TestDatabases.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace jc;
using namespace Qt::StringLiterals;
using jc::test::scalar;

namespace {

QString execAll(QSqlDatabase db, const QStringList &statements)
{
    QSqlQuery query(db);
    for (const QString &statement : statements)
        if (!query.exec(statement))
            return statement.left(60) + u": "_s + query.lastError().text();
    return QString();
}

QStringList appSchema()
{
    return test::sqlStatements(QFINDTESTDATA("../support/fixtures/app-schema-mysql.sql"));
}

// Every column of the app's tables as information_schema describes it, one line each: type,
// nullability and default (not the key mark, which an added index changes).
QStringList appColumns(QSqlDatabase db)
{
    QSqlQuery query(db);
    query.exec(u"SELECT table_name, column_name, column_type, is_nullable, "
               u"COALESCE(column_default, '(none)') FROM information_schema.columns "
               u"WHERE table_schema = DATABASE() AND table_name NOT LIKE 'jc\\_%' "
               u"ORDER BY table_name, ordinal_position"_s);
    QStringList columns;
    while (query.next()) {
        QStringList parts;
        for (int i = 0; i < 5; ++i)
            parts.append(query.value(i).toString());
        columns.append(parts.join(u' '));
    }
    return columns;
}

QStringList indexesOf(QSqlDatabase db, const QString &table)
{
    QSqlQuery query(db);
    query.prepare(u"SELECT DISTINCT index_name FROM information_schema.statistics WHERE "
                  u"table_schema = DATABASE() AND table_name = ? ORDER BY index_name"_s);
    query.addBindValue(table);
    query.exec();
    QStringList names;
    while (query.next())
        names.append(query.value(0).toString());
    return names;
}

} // namespace

class tst_MySqlMigrations : public QObject
{
    Q_OBJECT

private slots:
    void emptyDatabaseMigrates()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const QSqlDatabase db = factory.connectionForCurrentThread().value();
        const auto migrated = Migrator().migrate(db);
        QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
        QCOMPARE(migrated->toVersion, MigrationCatalog::latestVersion());
        const QStringList tables = db.tables();
        for (const QString &table :
             MigrationCatalog::appTableNames().mid(0, 5) +
                 QStringList{u"jc_runs"_s, u"jc_run_logs"_s, u"jc_job_pauses"_s,
                             u"jc_job_settings"_s, u"jc_job_changes"_s, u"jc_instances"_s,
                             u"jc_alerts"_s})
            QVERIFY2(tables.contains(table), qPrintable(table));
        const auto again = Migrator().migrate(db);
        QVERIFY2(again, qPrintable(again ? QString() : again.error()));
        QCOMPARE(again->applied, QList<int>());

        // The reserved words work quoted, and a run's log goes with the run.
        QCOMPARE(
            execAll(db, {u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                         u"occurrence_key, status) VALUES ('A', 'manual', 1, 'k', 'running')"_s,
                         u"INSERT INTO jc_run_logs (run_id, seq, logged_at_ms, level, "
                         u"message) SELECT id, 1, 1, 'info', 'hello' FROM jc_runs"_s,
                         u"INSERT INTO jc_job_changes (job_name, changed_at_ms, \"before\", "
                         u"\"after\") VALUES ('A', 1, '{}', '{}')"_s,
                         u"DELETE FROM jc_runs"_s}),
            QString());
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jc_run_logs"_s).toInt(), 0);
        // The claim's key is unique.
        QCOMPARE(execAll(db, {u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                              u"occurrence_key, status) VALUES ('A', 'scheduled', 1, 'k', "
                              u"'running')"_s}),
                 QString());
        QVERIFY(!execAll(db, {u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                              u"occurrence_key, status) VALUES ('A', 'scheduled', 1, 'k', "
                              u"'running')"_s})
                     .isEmpty());
    }

    void adoptsTheAppsTables()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const QSqlDatabase db = factory.connectionForCurrentThread().value();
        const QStringList schema = appSchema();
        QCOMPARE(schema.size(), 11);
        QCOMPARE(execAll(db, schema), QString());
        const QStringList before = appColumns(db);
        QVERIFY(before.size() > 50);

        const auto migrated = Migrator().migrate(db);
        QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
        QStringList after = appColumns(db);
        const QStringList added = after.filter(u"credit_adjustments period "_s);
        QCOMPARE(added, QStringList{u"credit_adjustments period varchar(7) YES NULL"_s});
        after.removeAll(added.first());
        QCOMPARE(after, before);
        QVERIFY(indexesOf(db, u"credit_adjustments"_s)
                    .contains(u"ux_credit_adjustments_user_period"_s));
        QVERIFY(
            indexesOf(db, u"credit_purchases"_s).contains(u"ix_credit_purchases_status_created"_s));
        // The app's own index on credit_purchase_id serves: no second one under our name.
        QVERIFY2(!indexesOf(db, u"credit_adjustments"_s)
                      .contains(u"idx_credit_adjustments_credit_purchase_id"_s),
                 qPrintable(indexesOf(db, u"credit_adjustments"_s).join(u", "_s)));
        QCOMPARE(scalar(db, u"SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM "
                            u"information_schema.statistics WHERE table_schema = DATABASE() AND "
                            u"table_name = 'users' AND index_name = 'PRIMARY'"_s)
                     .toString(),
                 u"id,email"_s);
    }

    void labelsTheAppsOwnTopUps()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const QSqlDatabase db = factory.connectionForCurrentThread().value();
        QCOMPARE(execAll(db, appSchema()), QString());
        QCOMPARE(execAll(db, {u"INSERT INTO credit_adjustments (id, created_at, user_id, credits, "
                              u"reason) VALUES ('a1', '2026-11-15 10:00:00', 'u1', 8, 'Monthly "
                              u"free credit top-up'), ('a2', '2026-11-30 20:00:00', 'u2', 8, "
                              u"'Monthly free credit top-up'), ('a3', '2026-11-16 10:00:00', "
                              u"'u1', 5, 'Monthly free credit top-up'), ('a4', '2026-11-15 "
                              u"10:00:00', 'u3', 20, 'Purchase')"_s}),
                 QString());
        const auto migrated = Migrator().migrate(db);
        QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT id, COALESCE(period, '-') FROM credit_adjustments ORDER BY "
                           u"id"_s));
        QStringList periods;
        while (query.next())
            periods.append(query.value(0).toString() + u'=' + query.value(1).toString());
        // a1: the user's first of November; a2: Dec 1 in Auckland, left to the top-up; a3: a
        // second one in the month; a4: not a top-up.
        QCOMPARE(periods, (QStringList{u"a1=2026-11"_s, u"a2=-"_s, u"a3=-"_s, u"a4=-"_s}));
    }

    void concurrentMigrationsBothSucceed()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        std::atomic<int> failures = 0;
        QString firstError;
        QList<QThread *> threads;
        for (int i = 0; i < 2; ++i) {
            threads.append(QThread::create([&database, &failures, &firstError] {
                ConnectionFactory factory(database.url());
                const auto db = factory.connectionForCurrentThread();
                const auto migrated =
                    db ? Migrator().migrate(*db)
                       : Expected<MigrationResult, QString>(Unexpected(db.error()));
                if (!migrated && failures++ == 0)
                    firstError = migrated.error();
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(60000));
            delete thread;
        }
        QVERIFY2(failures == 0, qPrintable(firstError));
        ConnectionFactory factory(database.url());
        const QSqlDatabase db = factory.connectionForCurrentThread().value();
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jc_schema_version"_s).toInt(),
                 int(MigrationCatalog::all().size()));
    }
};

QTEST_GUILESS_MAIN(tst_MySqlMigrations)
#include "tst_mysqlmigrations.moc"
