// BatchSizer: how the top-up's batches grow towards their time target and come back.
#include "jobs/BatchSizer.h"

#include <QTest>

using namespace jc;
using namespace std::chrono_literals;

class tst_BatchSizer : public QObject
{
    Q_OBJECT

private slots:
    void noTargetKeepsTheSize()
    {
        BatchSizer sizer(1000, 0ms);
        QVERIFY(!sizer.adapts());
        sizer.committed(1000, 1ms);
        QCOMPARE(sizer.size(), 1000);
    }

    // Ten times faster than the target: twice the size, not ten times, batch after batch.
    void growsAtMostTwofold()
    {
        BatchSizer sizer(1000, 250ms);
        QVERIFY(sizer.adapts());
        sizer.committed(1000, 25ms);
        QCOMPARE(sizer.size(), 2000);
        sizer.committed(2000, 50ms);
        QCOMPARE(sizer.size(), 4000);
    }

    // Near the target, the size the rate asks for.
    void settlesAtTheTargetsRate()
    {
        BatchSizer sizer(1000, 250ms);
        sizer.committed(1000, 200ms); // 5,000 users a second
        QCOMPARE(sizer.size(), 1250);
        sizer.committed(1250, 250ms);
        QCOMPARE(sizer.size(), 1250);
    }

    // A slower batch shrinks the next one to its rate, never below the setting.
    void slowerBatchShrinksToItsRate()
    {
        BatchSizer sizer(1000, 100ms);
        for (int i = 0; i < 4; ++i)
            sizer.committed(sizer.size(), 1ms);
        QCOMPARE(sizer.size(), 16000);
        sizer.committed(16000, 200ms);
        QCOMPARE(sizer.size(), 8000);
        sizer.committed(8000, 10s);
        QCOMPARE(sizer.size(), 1000);
    }

    // Within twice the target, a short batch (the last, or one a rerun found mostly granted)
    // halves the size at most; beyond it, the size goes straight to the rate (locks short again
    // at once).
    void shrinksByHalfAtMostWithinTwiceTheTarget()
    {
        BatchSizer sizer(1000, 100ms);
        for (int i = 0; i < 5; ++i)
            sizer.committed(sizer.size(), 1ms);
        QCOMPARE(sizer.size(), 32000);
        sizer.committed(2000, 150ms); // the rate asks for 1,333
        QCOMPARE(sizer.size(), 16000);
        sizer.committed(16000, 800ms); // 20,000 users a second: 2,000 in the target
        QCOMPARE(sizer.size(), 2000);
    }

    void neverAboveTheMaximum()
    {
        BatchSizer sizer(1000, 1000ms);
        for (int i = 0; i < 20; ++i)
            sizer.committed(sizer.size(), 0ns); // an instant: the clock's resolution
        QCOMPARE(sizer.size(), BatchSizer::maxUsers);
        BatchSizer large(150000, 1000ms); // a setting above it stays the setting
        large.committed(150000, 1ms);
        QCOMPARE(large.size(), 150000);
    }

    void aFailedBatchStartsAgainAtTheSetting()
    {
        BatchSizer sizer(500, 250ms);
        sizer.committed(500, 1ms);
        sizer.committed(1000, 1ms);
        QCOMPARE(sizer.size(), 2000);
        sizer.failed();
        QCOMPARE(sizer.size(), 500);
    }

    void emptyBatchTeachesNothing()
    {
        BatchSizer sizer(1000, 250ms);
        sizer.committed(0, 1ms);
        QCOMPARE(sizer.size(), 1000);
    }

    // The estimate is the count the sizer then reaches when every batch goes at one rate:
    // from the first batch on, not only once the sizes have settled.
    void estimatesTheBatchesItWillTake_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("targetMs");
        QTest::addColumn<double>("usersPerSecond");
        QTest::addColumn<qint64>("users");
        QTest::newRow("1M, settles at 16,666") << 1000 << 250 << 66666.7 << qint64(1000000);
        QTest::newRow("1M, up to the maximum") << 1000 << 1000 << 1e6 << qint64(1000000);
        QTest::newRow("slower than the setting") << 1000 << 100 << 2000.0 << qint64(50000);
        QTest::newRow("fewer than the first batch") << 1000 << 250 << 50000.0 << qint64(700);
        QTest::newRow("small") << 2 << 60000 << 1000.0 << qint64(30);
    }
    void estimatesTheBatchesItWillTake()
    {
        QFETCH(int, first);
        QFETCH(int, targetMs);
        QFETCH(double, usersPerSecond);
        QFETCH(qint64, users);
        BatchSizer sizer(first, std::chrono::milliseconds(targetMs));
        QCOMPARE(sizer.batchesFor(users), (users + first - 1) / first); // no rate yet
        qint64 left = users;
        qint64 batches = 0;
        QList<qint64> estimates;
        while (left > 0) {
            const qint64 taken = std::min<qint64>(sizer.size(), left);
            sizer.committed(taken,
                            std::chrono::nanoseconds(qint64(double(taken) / usersPerSecond * 1e9)));
            left -= taken;
            ++batches;
            estimates.append(batches + sizer.batchesFor(left));
        }
        // Every estimate made after a batch is the count the run ended with.
        QCOMPARE(estimates, QList<qint64>(estimates.size(), batches));
    }

    void fixedSizeEstimatesByDivision()
    {
        BatchSizer sizer(1000, 0ms);
        sizer.committed(1000, 1ms);
        QCOMPARE(sizer.batchesFor(1000001), 1001);
        QCOMPARE(sizer.batchesFor(0), 0);
    }
};

QTEST_GUILESS_MAIN(tst_BatchSizer)
#include "tst_batchsizer.moc"
