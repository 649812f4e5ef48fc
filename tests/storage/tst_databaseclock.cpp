// DatabaseClock on a real server: an instance whose own clock runs ahead of the database
// server's reads and writes the server's time once aligned, so its sweep leaves another
// instance's live run alone. On SQLite (one host, one clock) alignment changes nothing.
#include "TestDatabases.h"

#include "engine/SystemClock.h"
#include "storage/DatabaseClock.h"
#include "storage/Migrator.h"
#include "storage/RunHistory.h"
#include "storage/RunLiveness.h"
#include "storage/SqlRunJournal.h"

#include <QSqlQuery>
#include <QTest>

#include <cstdlib>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::DatabaseClock;
using jc::RunJournal;
using jc::RunOutcome;
using jc::SqlDialect;

namespace {

constexpr qint64 Lease = 60'000;
constexpr qint64 Ahead = 75'000; // more than a lease: unaligned, every live run looks dead

// A host whose clock runs `offset` ahead of the real time.
class AheadClock final : public jc::Clock
{
public:
    explicit AheadClock(qint64 offset)
        : m_offset(offset)
    {}
    qint64 nowMSecs() const override { return m_system.nowMSecs() + m_offset; }

private:
    jc::SystemClock m_system;
    qint64 m_offset;
};

qint64 serverNow(QSqlDatabase db, SqlDialect dialect)
{
    QSqlQuery query(db);
    if (dialect == SqlDialect::Sqlite) // the file's host is this host
        return jc::SystemClock().nowMSecs();
    query.exec(dialect == SqlDialect::MySql
                   ? u"SELECT CAST(ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)"_s
                   : u"SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint"_s);
    return query.next() ? query.value(0).toLongLong() : 0;
}

} // namespace

class tst_DatabaseClock : public QObject
{
    Q_OBJECT

private slots:
    void alignsToTheServer_data() { jc::test::addDatabaseRowsWithMySql(); }
    void alignsToTheServer()
    {
        QFETCH(SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const AheadClock ahead(Ahead);
        DatabaseClock clock(ahead);
        QCOMPARE(clock.skew(), 0);
        clock.align(factory);
        const qint64 server = serverNow(factory.connectionForCurrentThread().value(), dialect);
        if (dialect == SqlDialect::Sqlite) {
            QCOMPARE(clock.skew(), 0); // one host, one clock: nothing to align
            return;
        }
        QVERIFY2(std::llabs(clock.skew() + Ahead) < 1000,
                 qPrintable(QString::number(clock.skew())));
        QVERIFY2(std::llabs(clock.nowMSecs() - server) < 1000,
                 qPrintable(u"%1 vs the server's %2"_s.arg(clock.nowMSecs()).arg(server)));
        // Jitter within the tolerance does not move it; a real change does.
        const qint64 skew = clock.skew();
        clock.setSkew(skew + DatabaseClock::ToleranceMSecs);
        QCOMPARE(clock.skew(), skew);
        clock.setSkew(skew + 5000);
        QCOMPARE(clock.skew(), skew + 5000);
    }

    // Instance b runs with the server's time and heartbeats; instance a's host clock runs 75 s
    // ahead. Aligned, a's sweep sees b's heartbeat as fresh. (Unaligned, RunLiveness would call
    // it expired: the check below shows what the alignment prevents.)
    void aheadInstanceLeavesLiveRunsAlone()
    {
        jc::test::TestDatabase database(SqlDialect::Postgres);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(jc::Migrator().migrate(factory->connectionForCurrentThread().value()));
        jc::SqlRunJournal journal(factory);

        const jc::SystemClock system;
        DatabaseClock clockB(system);
        clockB.align(*factory);
        jc::RunInfo run;
        run.job = u"Daily Cleanup"_s;
        run.occurrence = clockB.now();
        const auto claim = journal.claim({run,
                                          RunJournal::occurrenceKey(run),
                                          jc::OverlapPolicy::Skip,
                                          clockB.nowMSecs(),
                                          Lease,
                                          u"b"_s,
                                          {},
                                          0});
        QCOMPARE(claim.status, RunJournal::Claim::Status::Claimed);

        const AheadClock ahead(Ahead);
        QCOMPARE(jc::RunLiveness::of(QString(), false, clockB.nowMSecs(), Lease, ahead.nowMSecs()),
                 jc::RunLiveness::State::LeaseExpired); // what an unaligned host would decide
        DatabaseClock clockA(ahead);
        clockA.align(*factory);
        const auto swept = journal.interruptStale(clockA.nowMSecs(), Lease, {});
        QVERIFY2(swept, qPrintable(swept ? QString() : swept.error()));
        QCOMPARE(swept.value(), 0);
        const auto stored = jc::RunHistory(factory).run(claim.storedRunId);
        QVERIFY(stored && *stored);
        QCOMPARE((*stored)->outcome, RunOutcome::Running);
    }
};

QTEST_GUILESS_MAIN(tst_DatabaseClock)
#include "tst_databaseclock.moc"
