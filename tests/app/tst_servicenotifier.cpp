// ServiceNotifier and JournalLog, in this process: the sd_notify datagrams as a test socket
// receives them (path and abstract addresses), the variables refused, the watchdog that
// pings only while the event loop runs, and the journal's line format.
#include "JournalLog.h"
#include "ServiceNotifier.h"

#include "NotifyReceiver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono;
using jc::test::NotifyReceiver;

namespace {

QProcessEnvironment environment(const QStringList &assignments)
{
    QProcessEnvironment env;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        env.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    return env;
}

ServiceNotifier::Settings settingsFor(const QByteArray &socket, const QString &watchdogUsec = {})
{
    QStringList assignments{u"NOTIFY_SOCKET="_s + QString::fromLocal8Bit(socket)};
    if (!watchdogUsec.isEmpty())
        assignments.append(u"WATCHDOG_USEC="_s + watchdogUsec);
    return ServiceNotifier::settingsFrom(environment(assignments), 4242);
}

} // namespace

class tst_ServiceNotifier : public QObject
{
    Q_OBJECT

private slots:
    void settingsFromEnvironment_data()
    {
        QTest::addColumn<QStringList>("assignments");
        QTest::addColumn<QByteArray>("socket");
        QTest::addColumn<qint64>("watchdogUsec");
        QTest::addColumn<QString>("error");
        const QString socket = u"NOTIFY_SOCKET=/run/systemd/notify"_s;
        QTest::newRow("outside systemd") << QStringList{} << QByteArray() << qint64(0) << QString();
        QTest::newRow("a watchdog without a socket is nobody's")
            << QStringList{u"WATCHDOG_USEC=200000"_s} << QByteArray() << qint64(0) << QString();
        QTest::newRow("path") << QStringList{socket} << QByteArray("/run/systemd/notify")
                              << qint64(0) << QString();
        QTest::newRow("abstract") << QStringList{u"NOTIFY_SOCKET=@/org/freedesktop/notify"_s}
                                  << QByteArray("@/org/freedesktop/notify") << qint64(0)
                                  << QString();
        QTest::newRow("watchdog") << QStringList{socket, u"WATCHDOG_USEC=200000"_s}
                                  << QByteArray("/run/systemd/notify") << qint64(200000)
                                  << QString();
        QTest::newRow("watchdog for this pid")
            << QStringList{socket, u"WATCHDOG_USEC=200000"_s, u"WATCHDOG_PID=4242"_s}
            << QByteArray("/run/systemd/notify") << qint64(200000) << QString();
        QTest::newRow("watchdog for another pid")
            << QStringList{socket, u"WATCHDOG_USEC=200000"_s, u"WATCHDOG_PID=1"_s}
            << QByteArray("/run/systemd/notify") << qint64(0) << QString();
        QTest::newRow("relative path")
            << QStringList{u"NOTIFY_SOCKET=run/notify"_s} << QByteArray("run/notify") << qint64(0)
            << u"NOTIFY_SOCKET: \"run/notify\" is neither an absolute path"_s;
        QTest::newRow("vsock") << QStringList{u"NOTIFY_SOCKET=vsock:2:1234"_s}
                               << QByteArray("vsock:2:1234") << qint64(0)
                               << u"NOTIFY_SOCKET: \"vsock:2:1234\" is neither"_s;
        const QString longPath = u"/"_s + QString(120, u'x');
        QTest::newRow("longer than sun_path")
            << QStringList{u"NOTIFY_SOCKET="_s + longPath} << longPath.toLocal8Bit() << qint64(0)
            << u"is not a usable socket address"_s;
        QTest::newRow("empty abstract name") << QStringList{u"NOTIFY_SOCKET=@"_s} << QByteArray("@")
                                             << qint64(0) << u"is not a usable socket address"_s;
        QTest::newRow("watchdog not a number")
            << QStringList{socket, u"WATCHDOG_USEC=30s"_s} << QByteArray("/run/systemd/notify")
            << qint64(0) << u"WATCHDOG_USEC: \"30s\" is not a positive number"_s;
        QTest::newRow("watchdog zero")
            << QStringList{socket, u"WATCHDOG_USEC=0"_s} << QByteArray("/run/systemd/notify")
            << qint64(0) << u"WATCHDOG_USEC: \"0\""_s;
        QTest::newRow("watchdog pid not a number")
            << QStringList{socket, u"WATCHDOG_USEC=1000"_s, u"WATCHDOG_PID=me"_s}
            << QByteArray("/run/systemd/notify") << qint64(0)
            << u"WATCHDOG_PID: \"me\" is not a process id"_s;
    }
    void settingsFromEnvironment()
    {
        QFETCH(QStringList, assignments);
        QFETCH(QByteArray, socket);
        QFETCH(qint64, watchdogUsec);
        QFETCH(QString, error);
        const auto settings = ServiceNotifier::settingsFrom(environment(assignments), 4242);
        QCOMPARE(settings.socket, socket);
        if (error.isEmpty()) {
            QCOMPARE(settings.error, QString());
            QCOMPARE(qint64(settings.watchdog.count()), watchdogUsec);
        } else {
            QVERIFY2(settings.error.startsWith(error) || settings.error.contains(error),
                     qPrintable(settings.error));
        }
    }

    void sendsTheProtocol_data()
    {
        QTest::addColumn<bool>("abstract");
        QTest::newRow("path") << false;
        QTest::newRow("abstract name") << true;
    }
    void sendsTheProtocol()
    {
        QFETCH(bool, abstract);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QByteArray name =
            abstract ? "@jc-test-notify-" + QByteArray::number(QCoreApplication::applicationPid())
                     : QFile::encodeName(folder.filePath(u"notify"_s));
        NotifyReceiver receiver(name);
        QVERIFY2(receiver.isBound(), std::strerror(errno));

        ServiceNotifier notifier(settingsFor(name));
        QVERIFY(notifier.isActive());
        QCOMPARE(notifier.watchdogInterval(), milliseconds::zero());
        notifier.setStatus(u"Opening the database"_s);
        notifier.setStatus(u"Opening the database"_s); // unchanged: not sent again
        notifier.ready(u"4 jobs, next: A at 00:00"_s);
        QVERIFY(!notifier.watchdogRunning()); // no WATCHDOG_USEC, no pings
        notifier.setStatus(u"two\nlines"_s);
        notifier.stopping(u"Stopping"_s);
        QCOMPARE(receiver.take(), (QList<QByteArray>{
                                      "STATUS=Opening the database",
                                      "READY=1\nSTATUS=4 jobs, next: A at 00:00",
                                      "STATUS=two lines",
                                      "STOPPING=1\nSTATUS=Stopping",
                                  }));
    }

    // Outside systemd nothing is sent and nothing fails; a receiver that went away loses the
    // notices and nothing more.
    void withoutReceiverNothingHappens()
    {
        ServiceNotifier outside(ServiceNotifier::settingsFrom(QProcessEnvironment(), 1));
        QVERIFY(!outside.isActive());
        QVERIFY(!outside.notify("READY=1"));
        outside.ready(u"x"_s);
        QVERIFY(!outside.watchdogRunning());

        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        ServiceNotifier gone(
            settingsFor(QFile::encodeName(folder.filePath(u"nobody"_s)), u"1000"_s));
        QVERIFY(gone.isActive());
        QVERIFY(!gone.notify("READY=1"));
    }

    // The pings come from a timer of the notifier's thread: while that thread's event loop
    // is blocked, none is sent, so that systemd sees the hang.
    void watchdogPingsOnlyWhileTheEventLoopRuns()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QByteArray name = QFile::encodeName(folder.filePath(u"notify"_s));
        NotifyReceiver receiver(name);
        QVERIFY(receiver.isBound());
        ServiceNotifier notifier(settingsFor(name, u"20000"_s));
        QCOMPARE(notifier.watchdogInterval(), milliseconds(10));
        notifier.startWatchdog();
        QCOMPARE(receiver.take(), QList<QByteArray>{"WATCHDOG=1"}); // at once, then every 10 ms

        QElapsedTimer blocked; // the event loop is stuck for 20 intervals
        blocked.start();
        while (blocked.elapsed() < 200) {
        }
        QCOMPARE(receiver.take(), QList<QByteArray>{});

        int pings = 0;
        QTRY_VERIFY_WITH_TIMEOUT((pings += int(receiver.take().count("WATCHDOG=1"))) >= 3, 5000);
        notifier.stopWatchdog();
        QVERIFY(!notifier.watchdogRunning());
    }

    void journalFormat_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QByteArray>("category");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("debug") << int(QtDebugMsg) << QByteArray("jc.scheduler") << u"d"_s
                               << QByteArray("<7>jc.scheduler: d\n");
        QTest::newRow("info") << int(QtInfoMsg) << QByteArray("jc.scheduler") << u"Serving"_s
                              << QByteArray("<6>jc.scheduler: Serving\n");
        QTest::newRow("warning") << int(QtWarningMsg) << QByteArray("jc.job.x") << u"w"_s
                                 << QByteArray("<4>jc.job.x: w\n");
        QTest::newRow("critical") << int(QtCriticalMsg) << QByteArray("jc.job.x") << u"c"_s
                                  << QByteArray("<3>jc.job.x: c\n");
        QTest::newRow("fatal") << int(QtFatalMsg) << QByteArray("jc.x") << u"f"_s
                               << QByteArray("<2>jc.x: f\n");
        QTest::newRow("default category")
            << int(QtWarningMsg) << QByteArray("default") << u"plain"_s << QByteArray("<4>plain\n");
        QTest::newRow("two lines")
            << int(QtCriticalMsg) << QByteArray("jc.job.x") << u"first\nsecond"_s
            << QByteArray("<3>jc.job.x: first\n<3>second\n");
        QTest::newRow("utf-8") << int(QtInfoMsg) << QByteArray("jc.x") << u"Zürich"_s
                               << QByteArray("<6>jc.x: Z\xc3\xbcrich\n");
    }
    void journalFormat()
    {
        QFETCH(int, type);
        QFETCH(QByteArray, category);
        QFETCH(QString, message);
        QFETCH(QByteArray, expected);
        QCOMPARE(JournalLog::format(QtMsgType(type), category.constData(), message), expected);
    }

    // JOURNAL_STREAM counts only for the stream it names: a redirected stderr inherits the
    // variable but is a file or a pipe.
    void journalStreamIsCheckedAgainstTheDescriptor()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QFile file(folder.filePath(u"stderr"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        struct stat status = {};
        QCOMPARE(::fstat(file.handle(), &status), 0);
        const QByteArray own = QByteArray::number(qulonglong(status.st_dev)) + ':' +
                               QByteArray::number(qulonglong(status.st_ino));
        const QByteArray other = QByteArray::number(qulonglong(status.st_dev)) + ':' +
                                 QByteArray::number(qulonglong(status.st_ino) + 1);
        QVERIFY(JournalLog::isJournalStream(own, file.handle()));
        QVERIFY(!JournalLog::isJournalStream(other, file.handle()));
        QVERIFY(!JournalLog::isJournalStream(QByteArray(), file.handle()));
        QVERIFY(!JournalLog::isJournalStream("8:x", file.handle()));
        QVERIFY(!JournalLog::isJournalStream(own + ":1", file.handle()));
    }
};

QTEST_GUILESS_MAIN(tst_ServiceNotifier)
#include "tst_servicenotifier.moc"
