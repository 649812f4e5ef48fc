#pragma once

// The programs under test as an admin runs them: a real process, its output collected as it
// comes, waited for with the event loop running (so that a test's own timers and database
// notices go on). Used by the tests of `jobctl` and `jobconsole`:
//
//   const jc::test::ProcessResult done = jc::test::runProcess(JOBCTL_PATH, {u"list"_s});
//   QVERIFY2(done.exitCode == 0, qPrintable(jc::test::describe(done)));
//
//   jc::test::ChildProcess serve(JOBCTL_PATH, {u"serve"_s});
//   QVERIFY(serve.waitForErr(u"Scheduler started"_s, 30000));
//   serve.signal(SIGKILL);

#include "common/ProcessIdentity.h"

#include <QByteArray>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QSysInfo>
#include <QTest>

#include <csignal>
#include <map>

namespace jc::test {

// One child process whose output is collected as it comes. Killed (and waited for) when it
// goes out of scope still running, so that a failed test leaves no process behind.
class ChildProcess
{
public:
    ChildProcess(const QString &program, const QStringList &arguments,
                 const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_err += m_process.readAllStandardError(); });
        m_process.setProcessEnvironment(environment);
        m_process.start(program, arguments);
        if (m_process.waitForStarted(10000))
            m_pid = m_process.processId();
    }

    ~ChildProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }

    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    bool isRunning() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_pid; }
    // How the scheduler names this process's instance in jc_runs and jc_instances.
    QString hostPid() const { return QSysInfo::machineHostName() + u':' + QString::number(m_pid); }
    // Its holder text (ProcessIdentity), as a run it held records it; empty where /proc
    // cannot tell.
    QString holder() const { return ProcessIdentity::holderOf(m_pid); }
    QString out() const { return QString::fromUtf8(m_out); }
    QString err() const { return QString::fromUtf8(m_err); }
    void write(const QByteArray &data) { m_process.write(data); }
    void closeInput() { m_process.closeWriteChannel(); }

    // Waits (running the event loop) until stderr contains `text` or the process ends.
    bool waitForErr(const QString &text, int msecs)
    {
        const QDeadlineTimer deadline(msecs);
        while (!err().contains(text)) {
            if (deadline.hasExpired() || !isRunning())
                return err().contains(text);
            QTest::qWait(50);
        }
        return true;
    }

    void signal(int signalNumber) const
    {
        if (m_pid > 0)
            ::kill(static_cast<pid_t>(m_pid), signalNumber);
    }

    // Waits (running the event loop) for the process to end; false when it is still running
    // after `msecs`.
    bool waitForExit(int msecs)
    {
        const QDeadlineTimer deadline(msecs);
        while (m_process.state() != QProcess::NotRunning) {
            if (deadline.hasExpired())
                return false;
            QTest::qWait(10);
        }
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        return true;
    }

    bool crashed() const { return m_process.exitStatus() == QProcess::CrashExit; }
    // The exit code; -1 after a crash or a signal.
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
    qint64 m_pid = 0;
};

struct ProcessResult
{
    int exitCode = -1; // -1: crashed, killed or did not finish in time
    QString out;
    QString err;
};

// Runs `program` to its end, at most `msecs` (then it is killed and the result says so).
inline ProcessResult
runProcess(const QString &program, const QStringList &arguments, int msecs = 120000,
           const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    ChildProcess child(program, arguments, environment);
    if (!child.waitForExit(msecs))
        return {-1, child.out(),
                QStringLiteral("%1 did not finish within %2 s\n%3")
                    .arg(program)
                    .arg(msecs / 1000)
                    .arg(child.err())};
    return {child.exitCode(), child.out(), child.err()};
}

// For a failure message: the exit code and both outputs.
inline QString describe(const ProcessResult &result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(result.exitCode)
        .arg(result.out, result.err);
}

// The run id `jobctl run` prints ("... in 1.2 s (run 42)"), or 0 when there is none.
inline qint64 printedRunId(const QString &out)
{
    static const QRegularExpression runId(QStringLiteral("\\(run (\\d+)\\)$"),
                                          QRegularExpression::MultilineOption);
    return runId.match(out).captured(1).toLongLong();
}

// Polls (running the event loop) until `done` or the deadline; returns `done()`.
template <typename Predicate> bool waitUntil(Predicate done, int msecs, int stepMSecs = 100)
{
    const QDeadlineTimer deadline(msecs);
    while (!done()) {
        if (deadline.hasExpired())
            return done();
        QTest::qWait(stepMSecs);
    }
    return true;
}

// Per occurrence (epoch ms), how many bodies a `jobctl serve` log says it started: "Executing
// job" lines of scheduled runs (logged once the claim succeeded, right before the body).
// Added to `bodies`, so that several instances' logs sum up.
inline void countBodies(const QString &log, std::map<qint64, int> &bodies)
{
    static const QRegularExpression occurrence(QStringLiteral("occurrence=(\\S+)"));
    const auto lines = log.split(u'\n');
    for (const QString &line : lines) {
        if (!line.contains(QStringLiteral("Executing job")) ||
            !line.contains(QStringLiteral("trigger=scheduled")))
            continue;
        const auto match = occurrence.match(line);
        if (!match.hasMatch())
            continue;
        const QDateTime at = QDateTime::fromString(match.captured(1), Qt::ISODateWithMs);
        if (at.isValid())
            ++bodies[at.toMSecsSinceEpoch()];
    }
}

} // namespace jc::test
