// BackgroundPriority: the library's pool threads run at the niceness the process asks for, the
// thread that started them keeps its own. Real threads, read back with getpriority() (Linux;
// elsewhere the class does nothing and the test skips). Each case uses pools of its own: a
// thread once lowered stays lowered, and new pool threads start at their creator's niceness.
#include "common/BackgroundPriority.h"
#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "engine/Scheduler.h"
#include "storage/ReplyingPool.h"

#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <memory>

using namespace jc;
using namespace std::chrono_literals;

namespace {

// Where a pool's work found itself: its niceness, twice on the same thread.
struct Seen
{
    std::atomic<int> first = -100;
    std::atomic<int> second = -100;
};

// The niceness a ReplyingPool's work runs at, and again for a second piece of work on the
// same (single) thread, into `seen` (a failed wait fails the calling test).
void seeInReplyingPool(const std::shared_ptr<Seen> &seen)
{
    QObject receiver;
    int answers = 0;
    {
        ReplyingPool pool(&receiver, 1, 10s, QStringLiteral("test.priority"));
        // The work holds `seen`: a pool given up on at its deadline leaves its work running.
        for (std::atomic<int> Seen::*slot : {&Seen::first, &Seen::second}) {
            pool.start([seen, slot, &answers]() -> ReplyingPool::Answer {
                ((*seen).*slot).store(BackgroundPriority::currentThreadNiceness());
                return [&answers] { ++answers; };
            });
        }
        QTRY_COMPARE(answers, 2);
    }
}

} // namespace

class TestBackgroundPriority : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
#ifndef Q_OS_LINUX
        QSKIP("Thread niceness is set on Linux only");
#endif
        m_own = BackgroundPriority::currentThreadNiceness();
        if (m_own > 19 - BackgroundPriority::desktopIncrement)
            QSKIP("The test runs too low already to see a lowering");
    }

    // The default, as jobctl serve runs: nothing changes.
    void poolWorkKeepsTheProcessNicenessByDefault()
    {
        QCOMPARE(BackgroundPriority::niceIncrement(), 0);
        const auto seen = std::make_shared<Seen>();
        seeInReplyingPool(seen);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(seen->first.load(), m_own);
        QCOMPARE(seen->second.load(), m_own);
    }

    // As jobconsole runs: a window's database reads make way for the GUI thread, which keeps
    // its own niceness.
    void replyingPoolWorkRunsLowered()
    {
        BackgroundPriority::setNiceIncrement(BackgroundPriority::desktopIncrement);
        const auto seen = std::make_shared<Seen>();
        seeInReplyingPool(seen);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(seen->first.load(), m_own + BackgroundPriority::desktopIncrement);
        QCOMPARE(seen->second.load(), m_own + BackgroundPriority::desktopIncrement);
        QCOMPARE(BackgroundPriority::currentThreadNiceness(), m_own);
    }

    // The runs' bodies too: a top-up run in the console must not take the GUI thread's core.
    void jobBodiesRunLowered()
    {
        BackgroundPriority::setNiceIncrement(BackgroundPriority::desktopIncrement);
        ManualClock clock(QDateTime(QDate(2026, 1, 15), QTime(10, 0), Qt::UTC));
        Scheduler scheduler(clock);
        std::atomic<int> niceness = -100;
        const auto schedule = Schedule::parse(QStringLiteral("0 0 1 1 *"), QTimeZone::utc());
        QVERIFY(schedule);
        QVERIFY(scheduler.addJob(JobDefinition{QStringLiteral("Reads its niceness"),
                                               QStringLiteral("test job"),
                                               schedule.value(),
                                               [&niceness](JobContext &) {
                                                   niceness =
                                                       BackgroundPriority::currentThreadNiceness();
                                                   return JobResult::success();
                                               },
                                               {}}));
        QSignalSpy finished(&scheduler, &Scheduler::runFinished);
        scheduler.start();
        QVERIFY(scheduler.runNow(QStringLiteral("Reads its niceness")));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(niceness.load(), m_own + BackgroundPriority::desktopIncrement);
        QCOMPARE(BackgroundPriority::currentThreadNiceness(), m_own);
    }

private:
    int m_own = 0;
};

QTEST_GUILESS_MAIN(TestBackgroundPriority)
#include "tst_backgroundpriority.moc"
