#include "service/WebhookSender.h"

#include "WebhookListener.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using jc::WebhookSender;
using jc::test::WebhookListener;

namespace {

// Short delays: the test waits for real answers over loopback, never for the clock.
WebhookSender::Options quick(int attempts, std::chrono::milliseconds timeout = 5s)
{
    return {attempts, timeout, 10ms, 40ms};
}

} // namespace

// The POSTs of `jobctl serve --alert-webhook`, against a real HTTP listener on loopback.
class tst_WebhookSender : public QObject
{
    Q_OBJECT

private slots:
    void postsTheJsonOnce()
    {
        WebhookListener hook({200});
        WebhookSender sender(quick(3));
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        sender.post(hook.url(), R"({"job":"Cleanup","kind":"failed"})", u"run:1"_s);
        QCOMPARE(sender.pending(), 1);
        QTRY_COMPARE(delivered.size(), 1);
        QCOMPARE(delivered.at(0).at(1).toString(), u"run:1"_s);
        QCOMPARE(delivered.at(0).at(2).toInt(), 1); // attempts
        QCOMPARE(sender.pending(), 0);
        QCOMPARE(hook.requests().size(), 1);
        const WebhookListener::Request &request = hook.requests().constFirst();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QByteArray("/hook"));
        QCOMPARE(request.contentType, QByteArray("application/json"));
        QCOMPARE(request.json().value(u"kind"_s).toString(), u"failed"_s);
    }

    // 500 and 503 are retried with backoff until the webhook takes it.
    void retriesUntilAccepted()
    {
        WebhookListener hook({500, 503, 204});
        WebhookSender sender(quick(5));
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        QSignalSpy gaveUp(&sender, &WebhookSender::gaveUp);
        sender.post(hook.url(), "{}", u"run:2"_s);
        QTRY_COMPARE(delivered.size(), 1);
        QCOMPARE(delivered.at(0).at(2).toInt(), 3);
        QCOMPARE(gaveUp.size(), 0);
        QCOMPARE(hook.requests().size(), 3);
    }

    void givesUpAfterItsAttempts()
    {
        WebhookListener hook({500});
        WebhookSender sender(quick(3));
        QSignalSpy gaveUp(&sender, &WebhookSender::gaveUp);
        sender.post(hook.url(), "{}", u"run:3"_s);
        QTRY_COMPARE(gaveUp.size(), 1);
        QCOMPARE(gaveUp.at(0).at(2).toString(), u"HTTP 500"_s);
        QCOMPARE(hook.requests().size(), 3);
        QCOMPARE(sender.pending(), 0);
        // Nothing more comes once it gave up.
        QTest::qWait(100);
        QCOMPARE(hook.requests().size(), 3);
    }

    // A webhook that never answers: post() returns at once, the thread's other work goes on
    // meanwhile, and each attempt ends at the timeout.
    void hungWebhookDelaysNothing()
    {
        WebhookListener hook({0});
        WebhookSender sender(quick(2, 300ms));
        QSignalSpy gaveUp(&sender, &WebhookSender::gaveUp);
        int ticks = 0;
        QTimer other;
        connect(&other, &QTimer::timeout, this, [&ticks] { ++ticks; });
        other.start(5ms);
        sender.post(hook.url(), "{}", u"run:4"_s);
        QCOMPARE(sender.pending(), 1);
        QTRY_COMPARE(hook.requests().size(), 1);
        const int ticksAtFirstRequest = ticks;
        QTRY_COMPARE_WITH_TIMEOUT(gaveUp.size(), 1, 10000);
        QVERIFY2(gaveUp.at(0).at(2).toString().contains(u"timed out"_s, Qt::CaseInsensitive) ||
                     gaveUp.at(0).at(2).toString().contains(u"cancel"_s, Qt::CaseInsensitive),
                 qPrintable(gaveUp.at(0).at(2).toString()));
        QCOMPARE(hook.requests().size(), 2);
        QVERIFY2(ticks > ticksAtFirstRequest,
                 qPrintable(u"the thread's timer ticked %1 times while the webhook hung"_s.arg(
                     ticks - ticksAtFirstRequest)));
    }

    // Refused connections (nothing listens) are errors like any other: retried, then given up.
    void unreachableWebhookIsGivenUp()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        WebhookSender sender(quick(2));
        QSignalSpy gaveUp(&sender, &WebhookSender::gaveUp);
        sender.post(QUrl(u"http://127.0.0.1:%1/hook"_s.arg(port)), "{}", u"run:5"_s);
        QTRY_COMPARE(gaveUp.size(), 1);
        QVERIFY(!gaveUp.at(0).at(2).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_WebhookSender)
#include "tst_webhooksender.moc"
