// ChangeListener: on PostgreSQL every change of runs, pauses and settings reaches a listener
// within moments, also after its connection was cut; on SQLite there is nothing to listen
// to, and it says so.
#include "storage/ChangeListener.h"

#include "engine/RunJournal.h"
#include "storage/ConnectionFactory.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/SqlRunJournal.h"

#include "TestDatabases.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using jc::ChangeListener;
using jc::ConnectionFactory;
using jc::SqlDialect;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z

QStringList jobsIn(const QSignalSpy &spy)
{
    QStringList jobs;
    for (const QList<QVariant> &arguments : spy)
        jobs.append(arguments.at(0).toString());
    return jobs;
}

} // namespace

class tst_ChangeListener : public QObject
{
    Q_OBJECT

private slots:
    void hearsEveryKindOfChange_data() { jc::test::addDatabaseRowsWithMySql(); }
    void hearsEveryKindOfChange()
    {
        QFETCH(SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        const auto connection = factory->connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const auto migrated = jc::Migrator().migrate(*connection);
        QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));

        ChangeListener listener(factory, 100ms);
        QSignalSpy changed(&listener, &ChangeListener::changed);
        listener.start();
        if (dialect != SqlDialect::Postgres) { // nothing like LISTEN/NOTIFY: consoles poll
            QVERIFY(!listener.isAvailable());
            QVERIFY(!listener.isListening());
            return;
        }
        QVERIFY(listener.isAvailable());
        QTRY_VERIFY(listener.isListening());

        QVERIFY(
            jc::PauseStore(factory).pause(u"Top-Up"_s, u"alice"_s, u"audit"_s, std::nullopt, T0));
        QTRY_COMPARE(jobsIn(changed), QStringList{u"Top-Up"_s});
        QVERIFY(jc::JobSettingsStore(factory).set(u"Cleanup"_s, {{u"overlap"_s, u"queue"_s}},
                                                  u"bob"_s, T0));
        QTRY_COMPARE(jobsIn(changed).value(1), u"Cleanup"_s);

        jc::SqlRunJournal journal(factory);
        jc::RunInfo run;
        run.job = u"Uploads"_s;
        run.occurrence = QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC);
        const auto claim = journal.claim({run,
                                          jc::RunJournal::occurrenceKey(run),
                                          jc::OverlapPolicy::Skip,
                                          T0,
                                          60'000,
                                          u"a"_s,
                                          {}});
        QCOMPARE(claim.status, jc::RunJournal::Claim::Status::Claimed);
        QTRY_COMPARE(jobsIn(changed).value(2), u"Uploads"_s);

        // The listener's connection is cut (as by a server restart): it notices, reconnects
        // and hears the next change.
        QSignalSpy listening(&listener, &ChangeListener::listeningChanged);
        QSqlQuery kill(*connection);
        QVERIFY(kill.exec(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          u"datname = current_database() AND pid <> pg_backend_pid()"_s));
        QTRY_VERIFY_WITH_TIMEOUT(listening.size() >= 2, 10000); // lost, then back
        QCOMPARE(listening.at(0).at(0).toBool(), false);
        QVERIFY(!listening.at(0).at(1).toString().isEmpty());
        QCOMPARE(listening.at(1).at(0).toBool(), true);
        const qsizetype before = changed.size();
        QVERIFY(jc::PauseStore(factory).resume(u"Top-Up"_s, u"bob"_s, 2));
        QTRY_COMPARE(changed.size(), before + 1);
        QCOMPARE(changed.last().at(0).toString(), u"Top-Up"_s);
    }
};

QTEST_GUILESS_MAIN(tst_ChangeListener)
#include "tst_changelistener.moc"
