// ReplyingPool: answers come back on the receiver's thread, and the owner's destruction never
// hangs on work that does not end. Work is held at semaphores the test opens, so nothing here
// depends on timing except the deadline the pool is given.
#include "storage/ReplyingPool.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace jc;
using namespace std::chrono_literals;

namespace {

// What a piece of work shares with the test: it outlives the pool that ran it.
struct Gate
{
    QSemaphore entered;
    QSemaphore open;
    std::atomic<bool> left = false;
    std::atomic<Qt::HANDLE> ranOn = nullptr;
};

ReplyingPool::Work heldAt(std::shared_ptr<Gate> gate, std::shared_ptr<bool> answered)
{
    return [gate, answered]() -> ReplyingPool::Answer {
        gate->ranOn = QThread::currentThreadId();
        gate->entered.release();
        gate->open.acquire();
        gate->left = true;
        return [answered] { *answered = true; };
    };
}

} // namespace

class TestReplyingPool : public QObject
{
    Q_OBJECT

private slots:
    void answersOnTheReceiversThread();
    void destructionGivesUpOnWorkThatDoesNotEnd();
    void shutDownWaitsForWorkThatEndsInTime();
    void answerQueuedBeforeShutDownIsDropped();
    void workStartedAfterShutDownDoesNotRun();
};

void TestReplyingPool::answersOnTheReceiversThread()
{
    QObject receiver;
    ReplyingPool pool(&receiver, 2, 10s, QStringLiteral("test.pool"));
    auto gate = std::make_shared<Gate>();
    auto answered = std::make_shared<bool>(false);
    Qt::HANDLE answeredOn = nullptr;
    pool.start([gate, answered, &answeredOn]() -> ReplyingPool::Answer {
        gate->ranOn = QThread::currentThreadId();
        return [answered, &answeredOn] {
            answeredOn = QThread::currentThreadId();
            *answered = true;
        };
    });
    QTRY_VERIFY(*answered);
    QVERIFY(gate->ranOn.load() != QThread::currentThreadId());
    QCOMPARE(answeredOn, QThread::currentThreadId());
}

void TestReplyingPool::destructionGivesUpOnWorkThatDoesNotEnd()
{
    auto gate = std::make_shared<Gate>();
    auto answered = std::make_shared<bool>(false);
    QElapsedTimer destruction;
    {
        QObject receiver;
        ReplyingPool pool(&receiver, 1, 100ms, QStringLiteral("test.stuck"));
        pool.start(heldAt(gate, answered));
        gate->entered.acquire(); // the work is in, and stays until the gate opens
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("test.stuck: gave up waiting")));
        destruction.start();
    } // before the pool gave up, this waited for the work for ever
    QVERIFY2(destruction.elapsed() < 60000, "destruction did not give up on the stuck work");
    QVERIFY(!gate->left);

    gate->open.release(); // the work ends after its pool and receiver are gone
    QTRY_VERIFY(gate->left);
    QCoreApplication::processEvents();
    QVERIFY2(!*answered, "an answer reached a destroyed receiver");
}

void TestReplyingPool::shutDownWaitsForWorkThatEndsInTime()
{
    QObject receiver;
    ReplyingPool pool(&receiver, 1, 60s, QStringLiteral("test.pool"));
    auto gate = std::make_shared<Gate>();
    auto answered = std::make_shared<bool>(false);
    pool.start(heldAt(gate, answered));
    gate->entered.acquire();
    gate->open.release();
    pool.shutDown();
    QVERIFY(gate->left); // waited for
    QCoreApplication::processEvents();
    QVERIFY2(!*answered, "answers stop at shutDown()");
}

// An answer posted before shutDown() but not yet delivered is dropped too: the owner was told
// that answers stop (TSan run: the work above could end and post between the gate opening
// and shutDown(), and its answer then arrived after it). One pool thread runs the work and
// then a marker, so once the marker ran the answer is surely queued.
void TestReplyingPool::answerQueuedBeforeShutDownIsDropped()
{
    QObject receiver;
    ReplyingPool pool(&receiver, 1, 60s, QStringLiteral("test.pool"));
    auto gate = std::make_shared<Gate>();
    auto answered = std::make_shared<bool>(false);
    auto posted = std::make_shared<QSemaphore>();
    pool.start(heldAt(gate, answered));
    pool.start([posted]() -> ReplyingPool::Answer {
        posted->release();
        return {};
    });
    gate->entered.acquire();
    gate->open.release();
    posted->acquire(); // the work ended and its answer waits in the receiver's queue
    pool.shutDown();
    QCoreApplication::processEvents();
    QVERIFY2(!*answered, "an answer queued before shutDown() arrived after it");
}

void TestReplyingPool::workStartedAfterShutDownDoesNotRun()
{
    QObject receiver;
    ReplyingPool pool(&receiver, 1, 1s, QStringLiteral("test.pool"));
    pool.shutDown();
    std::atomic<bool> ran = false;
    pool.start([&ran]() -> ReplyingPool::Answer {
        ran = true;
        return {};
    });
    pool.shutDown(); // a second time: nothing more
    QVERIFY(!ran);
}

QTEST_GUILESS_MAIN(TestReplyingPool)
#include "tst_replyingpool.moc"
