// ProcessIdentity and RunLiveness against real processes: a child started and killed with
// SIGKILL, a pid whose start time does not match (a reused pid), another host, another boot.
#include "common/ProcessIdentity.h"
#include "storage/RunLiveness.h"

#include <QFile>
#include <QProcess>
#include <QSysInfo>
#include <QTest>

#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

using jc::ProcessIdentity;
using jc::RunLiveness;
using Liveness = ProcessIdentity::Liveness;

namespace {

QString bootId()
{
    QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()).trimmed()
                                          : QString();
}

// Field 22 of /proc/<pid>/stat, read here independently of ProcessIdentity.
QString startTicks(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.readAll();
    return QString::fromLatin1(stat.mid(stat.lastIndexOf(')') + 2).split(' ').value(19));
}

QString holderOf(qint64 pid, const QString &host = QSysInfo::machineHostName(),
                 const QString &boot = bootId(), QString ticks = {})
{
    if (ticks.isEmpty())
        ticks = startTicks(pid);
    return QStringLiteral("%1/%2/%3/%4").arg(host).arg(pid).arg(boot, ticks);
}

} // namespace

class tst_ProcessIdentity : public QObject
{
    Q_OBJECT

private slots:
    void thisProcessIsAlive()
    {
        const QString holder = ProcessIdentity::currentHolder();
        QVERIFY(!holder.isEmpty());
        QCOMPARE(holder, holderOf(QCoreApplication::applicationPid()));
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Alive);
        QCOMPARE(ProcessIdentity::describe(holder), QStringLiteral("pid %1 on %2")
                                                        .arg(QCoreApplication::applicationPid())
                                                        .arg(QSysInfo::machineHostName()));
    }

    // A real child: alive while it runs, gone the moment SIGKILL has taken it.
    void killedChildIsGoneAtOnce()
    {
        QProcess child;
        child.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(child.waitForStarted());
        const QString holder = holderOf(child.processId());
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Alive);
        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished());
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Gone);
    }

    // Killed but not yet reaped by its parent (a zombie, as a shell's child is for a moment):
    // already gone.
    void unreapedChildIsGone()
    {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::pause();
            ::_exit(0);
        }
        QVERIFY(pid > 0);
        const QString holder = holderOf(pid);
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Alive);
        ::kill(pid, SIGKILL);
        siginfo_t info{};
        // Wait until it is a zombie, without reaping it (WNOWAIT).
        QCOMPARE(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Gone);
        ::waitpid(pid, nullptr, 0);
    }

    // The pid is in use, by a process that started at another time: not the holder.
    void reusedPidIsNotTheHolder()
    {
        const qint64 pid = QCoreApplication::applicationPid();
        const QString other = QString::number(startTicks(pid).toLongLong() + 1);
        QCOMPARE(
            ProcessIdentity::liveness(holderOf(pid, QSysInfo::machineHostName(), bootId(), other)),
            Liveness::Gone);
    }

    void anotherBootIsGone()
    {
        const QString holder =
            holderOf(QCoreApplication::applicationPid(), QSysInfo::machineHostName(),
                     QStringLiteral("00000000-0000-0000-0000-000000000000"));
        QCOMPARE(ProcessIdentity::liveness(holder), Liveness::Gone);
    }

    void anotherHostOrNoHolderIsUnknown()
    {
        QCOMPARE(ProcessIdentity::liveness(
                     holderOf(QCoreApplication::applicationPid(), QStringLiteral("elsewhere"))),
                 Liveness::Unknown);
        QCOMPARE(ProcessIdentity::liveness({}), Liveness::Unknown);
        QCOMPARE(ProcessIdentity::liveness(QStringLiteral("a/b/c")), Liveness::Unknown);
    }

    // RunLiveness: the holder decides when this host can tell, the lease when it cannot.
    void runLivenessRule()
    {
        using State = RunLiveness::State;
        const QString alive = ProcessIdentity::currentHolder();
        const QString gone = holderOf(QCoreApplication::applicationPid(),
                                      QSysInfo::machineHostName(), bootId(), QStringLiteral("1"));
        const QString elsewhere =
            holderOf(QCoreApplication::applicationPid(), QStringLiteral("elsewhere"));
        constexpr qint64 lease = 60'000;
        constexpr qint64 now = 1'000'000;
        constexpr bool connected = false;
        constexpr bool sessionEnded = true;
        QCOMPARE(RunLiveness::of(gone, connected, now, lease, now),
                 State::HolderGone); // fresh heartbeat
        // A heartbeat held back (a long write transaction) does not kill a live holder.
        QCOMPARE(RunLiveness::of(alive, connected, now - 10 * lease, lease, now), State::Alive);
        // What this host sees of its own processes comes before what the database says.
        QCOMPARE(RunLiveness::of(alive, sessionEnded, now, lease, now), State::Alive);
        QCOMPARE(RunLiveness::of(elsewhere, connected, now - lease + 1, lease, now), State::Alive);
        QCOMPARE(RunLiveness::of(elsewhere, connected, now - lease, lease, now),
                 State::LeaseExpired);
        QCOMPARE(RunLiveness::of(QString(), connected, now - lease, lease, now),
                 State::LeaseExpired);
        // Another host's holder whose database session ended: dead at once, fresh heartbeat
        // or not.
        QCOMPARE(RunLiveness::of(elsewhere, sessionEnded, now, lease, now), State::SessionEnded);
        QCOMPARE(RunLiveness::of(QString(), sessionEnded, now, lease, now), State::SessionEnded);
    }
};

QTEST_GUILESS_MAIN(tst_ProcessIdentity)
#include "tst_processidentity.moc"
