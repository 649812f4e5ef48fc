#include "engine/RunState.h"

#include "common/LogFields.h"

#include "engine/SchedulerMailbox.h"
#include "engine/SystemClock.h"

#include <QDateTime>

#include <algorithm>

namespace jc {

RunState::RunState(RunInfo info, std::shared_ptr<SchedulerMailbox> mailbox,
                   std::chrono::milliseconds timeout, int logLimit)
    : m_info(std::move(info))
    , m_mailbox(std::move(mailbox))
    , m_timeout(timeout)
    , m_logLimit(logLimit)
{}

qint64 RunState::nowMSecs() const
{
    return m_mailbox ? m_mailbox->nowMSecs() : SystemClock::wallMSecs();
}

void RunState::setJournalError(const QString &error)
{
    std::lock_guard lock(m_mutex);
    m_journalError = error;
}

void RunState::setProgress(const RunProgress &progress)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_progress == progress)
            return;
        m_progress = progress;
    }
    m_progressUnshared.store(true);
    // Only the first change since the scheduler last looked posts a notification, so a job
    // reporting a million times a second costs the scheduler's thread one event per turn.
    if (!m_progressChanged.exchange(true) && m_mailbox)
        m_mailbox->post(m_info.id);
}

RunProgress RunState::progress() const
{
    std::lock_guard lock(m_mutex);
    return m_progress;
}

void RunState::loseLease(const QString &why)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_lostLease.isEmpty())
            m_lostLease = why;
    }
    if (m_stop.isStopRequested())
        return; // stopping already, for a reason that stays the one recorded
    // The line first: once asked to stop, the body may end and its log be written at once.
    appendLog({nowMSecs(),
               LogLevel::Error,
               QStringLiteral("Lost its lease: %1. Stopping, so that it does not go on "
                              "unprotected")
                   .arg(why),
               {}});
    m_stop.requestStop(StopReason::LeaseLost);
}

bool RunState::requestCancel(const QString &by)
{
    const qint64 now = nowMSecs();
    {
        // Noted before the stop: once asked, the body may end and its record be built at once
        // (on its worker, between complete() and publish()).
        std::lock_guard lock(m_mutex);
        if (m_stop.isStopRequested())
            return false;
        m_cancelBy = by;
        m_cancelAtMSecs = now;
    }
    QVariantMap fields;
    if (!by.isEmpty())
        fields.insert(QStringLiteral("by"), by);
    appendLog({now, LogLevel::Info, QStringLiteral("Cancel requested"), fields});
    return m_stop.requestStop(StopReason::Cancelled);
}

void RunState::appendLog(LogLine line)
{
    std::lock_guard lock(m_mutex);
    if (m_log.size() < m_logLimit) {
        m_log.append(std::move(line));
        return;
    }
    if (m_droppedLogLines == 0) {
        LogLine marker;
        marker.timeMSecs = line.timeMSecs;
        marker.level = LogLevel::Warning;
        marker.message = QStringLiteral("Log cut: this run wrote more than %1 lines; the rest "
                                        "were not kept")
                             .arg(m_logLimit);
        m_log.append(std::move(marker));
    }
    ++m_droppedLogLines;
}

QList<LogLine> RunState::logLines() const
{
    std::lock_guard lock(m_mutex);
    return m_log;
}

int RunState::droppedLogLines() const
{
    std::lock_guard lock(m_mutex);
    return m_droppedLogLines;
}

QList<LogLine> RunState::unconfirmedLog(int *firstSeq) const
{
    std::lock_guard lock(m_mutex);
    *firstSeq = m_firstLogSeq + m_logConfirmed;
    return m_log.mid(m_logConfirmed);
}

void RunState::confirmLog(int endSeq)
{
    std::lock_guard lock(m_mutex);
    m_logConfirmed = std::clamp(endSeq - m_firstLogSeq, m_logConfirmed, int(m_log.size()));
}

void RunState::setFirstLogSeq(int seq)
{
    std::lock_guard lock(m_mutex);
    m_firstLogSeq = seq;
}

void RunState::complete(JobResult result)
{
    std::lock_guard lock(m_mutex);
    if (m_result || m_refusal)
        return;
    m_result = std::move(result);
    m_finishedAt = nowMSecs();
}

void RunState::refuse(Refusal refusal)
{
    std::lock_guard lock(m_mutex);
    if (m_result || m_refusal)
        return;
    m_refusal = std::move(refusal);
    m_finishedAt = nowMSecs();
}

void RunState::publish()
{
    m_finished.store(true);
    if (m_mailbox)
        m_mailbox->post(m_info.id);
}

std::optional<JobResult> RunState::result() const
{
    std::lock_guard lock(m_mutex);
    return m_result;
}

std::optional<RunState::Refusal> RunState::refusal() const
{
    std::lock_guard lock(m_mutex);
    return m_refusal;
}

RunRecord RunState::baseRecord() const
{
    RunRecord record;
    record.info = m_info;
    record.storedRunId = storedRunId();
    std::lock_guard lock(m_mutex);
    record.log = m_log;
    record.progress = m_progress;
    record.droppedLogLines = m_droppedLogLines;
    record.journalError = m_journalError;
    if (m_cancelAtMSecs != 0) {
        record.cancelRequestedBy = m_cancelBy;
        record.cancelRequestedAt = QDateTime::fromMSecsSinceEpoch(m_cancelAtMSecs, Qt::UTC);
    }
    return record;
}

RunRecord RunState::recordWithoutResult(RunOutcome outcome, const QString &error) const
{
    RunRecord record = baseRecord();
    record.outcome = outcome;
    record.error = error;
    record.finishedAt = QDateTime::fromMSecsSinceEpoch(nowMSecs(), Qt::UTC);
    return record;
}

RunRecord RunState::record() const
{
    const std::optional<JobResult> result = this->result();
    if (!result)
        return recordWithoutResult(RunOutcome::Running, {});
    RunRecord record = baseRecord();
    {
        std::lock_guard lock(m_mutex);
        record.finishedAt = QDateTime::fromMSecsSinceEpoch(m_finishedAt, Qt::UTC);
    }
    record.summary = result->summary();
    if (result->isSuccess()) {
        record.outcome = RunOutcome::Succeeded;
        return record;
    }
    record.error = result->error().isEmpty() ? QStringLiteral("The job failed without saying why")
                                             : result->error();
    switch (m_stop.reason()) {
    case StopReason::TimedOut:
        record.outcome = RunOutcome::TimedOut;
        record.error = QStringLiteral("Timed out after %1: %2")
                           .arg(LogFields::seconds(m_timeout.count()), record.error);
        break;
    case StopReason::Cancelled:
        record.outcome = RunOutcome::Cancelled;
        record.error = QStringLiteral("Cancelled on request: %1").arg(record.error);
        break;
    case StopReason::Shutdown:
        // Not an admin's decision: the instance went away, as a killed one does, and a
        // scheduled occurrence stopped this way is finished at the next start (catch-up of
        // `interrupted`). Recorded `cancelled`, a restart during the top-up would leave the
        // rest of the month's users without their credits.
        record.outcome = RunOutcome::Interrupted;
        record.error = QStringLiteral("Interrupted by shutdown: %1").arg(record.error);
        break;
    case StopReason::LeaseLost: {
        std::lock_guard lock(m_mutex);
        record.outcome = RunOutcome::Interrupted;
        record.error = QStringLiteral("Stopped because it had lost its lease (%1): %2")
                           .arg(m_lostLease, record.error);
        break;
    }
    case StopReason::None:
        record.outcome = RunOutcome::Failed;
        break;
    }
    return record;
}

} // namespace jc
