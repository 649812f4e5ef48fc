#include "storage/PauseStore.h"

#include "storage/ConnectionFactory.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"

#include "TestDatabases.h"

#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::PauseState;
using jc::PauseStore;
using jc::SqlDialect;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QDateTime at(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

} // namespace

// Gives the test function a migrated database: `database`, `factory`, `db`, `store`.
#define OPEN_STORE()                                                                               \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = std::make_shared<ConnectionFactory>(database.url());                            \
    const auto connection = factory->connectionForCurrentThread();                                 \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection;                                                                 \
    const auto migrated = jc::Migrator().migrate(db);                                              \
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));                       \
    PauseStore store(factory)

// Evaluates `expression` (an Expected) once into `name`, failing the test with its error.
#define FETCH(name, expression)                                                                    \
    const auto name = (expression);                                                                \
    QVERIFY2(name, qPrintable(name ? QString() : name.error()))

class tst_PauseStore : public QObject
{
    Q_OBJECT

private slots:
    void pauseIsStoredForEveryInstance_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pauseIsStoredForEveryInstance();
    void pausingAgainReplacesThePause_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pausingAgainReplacesThePause();
    void resumeEndsThePause_data() { jc::test::addDatabaseRowsWithMySql(); }
    void resumeEndsThePause();
    void pauseWithAResumeTimeEndsByItself_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pauseWithAResumeTimeEndsByItself();
    void invalidPausesAreRefused_data() { jc::test::addDatabaseRowsWithMySql(); }
    void invalidPausesAreRefused();
};

void tst_PauseStore::pauseIsStoredForEveryInstance()
{
    OPEN_STORE();
    FETCH(paused,
          store.pause(u"Monthly Credit Top-Up"_s, u"alice"_s, u"price change"_s, std::nullopt, T0));

    // Another instance (its own factory and connection) sees the same pause.
    PauseStore other(std::make_shared<ConnectionFactory>(database.url()));
    FETCH(all, other.all());
    QCOMPARE(all->size(), 1);
    const PauseState state = all->value(u"Monthly Credit Top-Up"_s);
    QCOMPARE(state.pausedBy, u"alice"_s);
    QCOMPARE(state.pausedAt, at(T0));
    QCOMPARE(state.pausedAt.timeSpec(), Qt::UTC);
    QCOMPARE(state.reason, u"price change"_s);
    QVERIFY(!state.resumeAt);
    FETCH(active, other.activePauses(T0 + 1000 * 24 * Hour));
    QVERIFY(active->contains(u"Monthly Credit Top-Up"_s)); // no resume time: until resumed
}

void tst_PauseStore::pausingAgainReplacesThePause()
{
    OPEN_STORE();
    FETCH(first, store.pause(u"Uploads"_s, u"alice"_s, u"first"_s, at(T0 + Hour), T0));
    FETCH(second, store.pause(u"Uploads"_s, u"bob"_s, {}, std::nullopt, T0 + 10));
    FETCH(all, store.all());
    QCOMPARE(all->size(), 1);
    const PauseState state = all->value(u"Uploads"_s);
    QCOMPARE(state.pausedBy, u"bob"_s);
    QCOMPARE(state.pausedAt, at(T0 + 10));
    QVERIFY(state.reason.isEmpty());
    QVERIFY(!state.resumeAt);
    QSqlQuery query(db);
    QVERIFY(query.exec(u"SELECT count(*) FROM jc_job_pauses WHERE reason IS NULL"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 1);
}

void tst_PauseStore::resumeEndsThePause()
{
    OPEN_STORE();
    FETCH(paused, store.pause(u"A"_s, u"alice"_s, u"x"_s, std::nullopt, T0));
    FETCH(pausedToo, store.pause(u"B"_s, u"alice"_s, u"y"_s, std::nullopt, T0));
    FETCH(replaced, store.pause(u"A"_s, u"bob"_s, u"longer"_s, at(T0 + Hour), T0 + 5));
    FETCH(resumed, store.resume(u"A"_s, u"carol"_s, T0 + 10));
    QVERIFY(resumed.value());
    FETCH(again, store.resume(u"A"_s, u"carol"_s, T0 + 20));
    QVERIFY(!again.value()); // was not paused any more
    FETCH(all, store.all());
    QCOMPARE(all->keys(), QStringList{u"B"_s});

    // Every pause and resume is on record, with the pause it replaced or ended; a resume of
    // a job that was not paused records nothing.
    const jc::JobSettingsStore log(factory);
    FETCH(changes, log.changes(u"A"_s, 10));
    QCOMPARE(changes->size(), 3);
    const jc::JobSettingsChange &resume = changes->at(0);
    QCOMPARE(resume.kind, jc::JobChangeKind::Resume);
    QCOMPARE(resume.changedBy, u"carol"_s);
    QCOMPARE(resume.changedAt, at(T0 + 10));
    const auto ended = PauseStore::fromJson(resume.before);
    QVERIFY(ended);
    QCOMPARE(ended->pausedBy, u"bob"_s);
    QCOMPARE(ended->pausedAt, at(T0 + 5));
    QCOMPARE(ended->reason, u"longer"_s);
    QCOMPARE(ended->resumeAt, std::optional(at(T0 + Hour)));
    QVERIFY(resume.after.isEmpty());
    const jc::JobSettingsChange &second = changes->at(1);
    QCOMPARE(second.kind, jc::JobChangeKind::Pause);
    QCOMPARE(second.changedBy, u"bob"_s);
    QCOMPARE(PauseStore::fromJson(second.before)->pausedBy, u"alice"_s);
    QCOMPARE(PauseStore::fromJson(second.after)->reason, u"longer"_s);
    const jc::JobSettingsChange &first = changes->at(2);
    QCOMPARE(first.kind, jc::JobChangeKind::Pause);
    QVERIFY(first.before.isEmpty());
    QCOMPARE(PauseStore::fromJson(first.after)->reason, u"x"_s);
    // What missed-run detection walks stays the settings changes alone.
    FETCH(settingsOnly, log.changesSince(u"A"_s, 0));
    QVERIFY(settingsOnly->isEmpty());
}

void tst_PauseStore::pauseWithAResumeTimeEndsByItself()
{
    OPEN_STORE();
    FETCH(paused, store.pause(u"A"_s, u"alice"_s, u"maintenance"_s, at(T0 + Hour), T0));
    FETCH(before, store.activePauses(T0 + Hour - 1));
    QVERIFY(before->contains(u"A"_s));
    QCOMPARE(*before->value(u"A"_s).resumeAt, at(T0 + Hour));
    FETCH(atResume, store.activePauses(T0 + Hour));
    QVERIFY(atResume->isEmpty());
    FETCH(all, store.all());
    QVERIFY(all->contains(u"A"_s)); // still shown, as ended
    QVERIFY(!all->value(u"A"_s).isActiveAt(T0 + Hour));
    QVERIFY(all->value(u"A"_s).isActiveAt(T0));
}

void tst_PauseStore::invalidPausesAreRefused()
{
    OPEN_STORE();
    const auto past = store.pause(u"A"_s, u"alice"_s, {}, at(T0), T0);
    QVERIFY(!past);
    QVERIFY2(past.error().contains(u"not in the future"_s), qPrintable(past.error()));
    const auto unnamed = store.pause({}, u"alice"_s, {}, std::nullopt, T0);
    QVERIFY(!unnamed);
    FETCH(all, store.all());
    QVERIFY(all->isEmpty());
}

QTEST_GUILESS_MAIN(tst_PauseStore)
#include "tst_pausestore.moc"
