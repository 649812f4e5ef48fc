// JobSettingsStore on both databases: a change is stored with its record, and saving while
// another connection writes waits for it instead of failing (issue 14, item 6).
#include "storage/JobSettingsStore.h"

#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include "TestDatabases.h"
#include "WriteLockHolder.h"

#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::JobSettingsStore;
using jc::SqlDialect;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z

} // namespace

class tst_JobSettingsStore : public QObject
{
    Q_OBJECT

private slots:
    void setWaitsForAnotherWriter_data() { jc::test::addDatabaseRowsWithMySql(); }
    void setWaitsForAnotherWriter();
};

// set() reads the settings in force, then replaces them. In a deferred transaction (Qt's
// transaction()) the read took SQLite's shared lock, and the write's upgrade met another
// connection's write lock: SQLITE_BUSY at once, the busy timeout never consulted, and the
// console's Save failed whenever a job was writing. BEGIN IMMEDIATE waits for the lock first.
void tst_JobSettingsStore::setWaitsForAnotherWriter()
{
    QFETCH(SqlDialect, dialect);
    jc::test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = std::make_shared<ConnectionFactory>(database.url());
    const auto migrated = jc::Migrator().migrate(factory->connectionForCurrentThread().value());
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
    JobSettingsStore store(factory);
    const QString job = u"History Retention"_s;
    const QJsonObject first{{u"overlap"_s, u"queue"_s}};
    const QJsonObject second{{u"schedule"_s, u"*/5 * * * *"_s}};
    QVERIFY(store.set(job, first, u"alice"_s, T0));

    jc::test::WriteLockHolder holder(database.url());
    QVERIFY2(holder.waitUntilHeld(), qPrintable(holder.lockError()));
    const auto before = store.set(job, second, u"bob"_s, T0 + 1000);
    holder.finish();
    QVERIFY2(before, qPrintable(before ? QString() : before.error()));
    QCOMPARE(before.value(), first);
    QVERIFY2(holder.commitError().isEmpty(), qPrintable(holder.commitError()));

    const auto all = store.all();
    QVERIFY2(all, qPrintable(all ? QString() : all.error()));
    QCOMPARE(all->value(job), second);
    const auto changes = store.changes(job, 10);
    QVERIFY2(changes, qPrintable(changes ? QString() : changes.error()));
    QCOMPARE(changes->size(), 2);
    QCOMPARE(changes->first().changedBy, u"bob"_s);
    QCOMPARE(changes->first().before, first);
}

QTEST_GUILESS_MAIN(tst_JobSettingsStore)
#include "tst_jobsettingsstore.moc"
