#include "models/RunHistoryModel.h"

#include "data/TimeDisplay.h"
#include "models/ItemRoles.h"
#include "models/RunFormat.h"

#include <QJsonDocument>

#include <algorithm>

namespace jc {

namespace {

// Drops the entries of runs that are not running rows of `rows` any more (only running rows
// read them), but `keep`'s.
template <typename Value, typename Rows>
void forgetEnded(QHash<qint64, Value> &live, qint64 keep, const Rows &rows)
{
    for (auto it = live.begin(); it != live.end();) {
        const auto row = std::find_if(rows.cbegin(), rows.cend(),
                                      [&](const StoredRun &run) { return run.id == it.key(); });
        if (it.key() != keep && (row == rows.cend() || row->outcome != RunOutcome::Running))
            it = live.erase(it);
        else
            ++it;
    }
}

} // namespace

RunHistoryModel::RunHistoryModel(DatabaseReader *reader, QObject *parent)
    : PagedRunModel(reader, parent)
{}

void RunHistoryModel::setJob(const QString &job)
{
    m_job = job;
    requery();
}

void RunHistoryModel::setFilter(const QList<RunOutcome> &outcomes, const QDateTime &since,
                                const QDateTime &until)
{
    m_outcomes = outcomes;
    m_since = since;
    m_until = until;
    requery();
}

void RunHistoryModel::slideSince(const QDateTime &since)
{
    m_since = since;
    PagedRunModel::slideSince(since);
}

void RunHistoryModel::setNow(const QDateTime &now)
{
    if (now == m_now)
        return;
    m_now = now;
    m_silent.clear();
    // A running row's holder may have stopped answering since: its outcome to summary change.
    runningRowsChanged(Duration, Summary);
}

void RunHistoryModel::setLiveProgress(qint64 runId, const RunProgress &progress)
{
    forgetEnded(m_live, runId, runs());
    if (m_live.value(runId) == progress && m_live.contains(runId))
        return;
    m_live.insert(runId, progress);
    runningRowsChanged(Outcome, Summary);
}

// Running rows are at the top (newest first): the cells of `first`..`last` of the rows down
// to the last running one.
void RunHistoryModel::runningRowsChanged(int first, int last)
{
    int lastRunning = -1;
    for (int row = 0; row < rowCount() && row < pageSize(); ++row) {
        if (runAt(row).outcome == RunOutcome::Running)
            lastRunning = row;
    }
    if (lastRunning >= 0)
        emit dataChanged(index(0, first), index(lastRunning, last));
}

RunProgress RunHistoryModel::progressOf(const StoredRun &run) const
{
    return m_live.value(run.id, run.progress);
}

// This console's own runs are held by this process: alive, whatever their rows' heartbeats say.
// Judged once per running run and tick (setNow): a verdict reads /proc, and a repaint asks for
// it in several cells and roles of the row.
std::optional<QDateTime> RunHistoryModel::silentSince(const StoredRun &run) const
{
    if (run.outcome != RunOutcome::Running)
        return std::nullopt;
    StoredRun latest = run;
    if (const QDateTime newer = m_heartbeats.value(run.id);
        newer.isValid() && (!run.heartbeatAt.isValid() || newer > run.heartbeatAt))
        latest.heartbeatAt = newer;
    if (const auto known = m_silent.constFind(run.id);
        known != m_silent.cend() && known->heartbeatAt == latest.heartbeatAt)
        return known->since;
    const auto since = RunFormat::silentSince(latest, m_now);
    m_silent.insert(run.id, {latest.heartbeatAt, since});
    return since;
}

void RunHistoryModel::setLiveHeartbeat(qint64 runId, const QDateTime &heartbeatAt)
{
    forgetEnded(m_heartbeats, runId, runs());
    if (!heartbeatAt.isValid() || m_heartbeats.value(runId) == heartbeatAt)
        return;
    m_heartbeats.insert(runId, heartbeatAt);
    runningRowsChanged(Duration, Summary);
}

RunOutcome RunHistoryModel::shownOutcome(const StoredRun &run) const
{
    // Red, as the `interrupted` it will be recorded as; not the blue of a live run.
    return silentSince(run) ? RunOutcome::Interrupted : run.outcome;
}

void RunHistoryModel::requery()
{
    if (m_job.isEmpty()) {
        clear(); // RunQuery's empty job means "every job"; no job selected means no rows here
        return;
    }
    setQuery({.job = m_job, .outcomes = m_outcomes, .since = m_since, .until = m_until});
}

QStringList RunHistoryModel::titles() const
{
    return {tr("Trigger"), tr("Occurrence"), tr("Started"), tr("Duration"),
            tr("Outcome"), tr("Who"),        tr("Summary")};
}

QVariant RunHistoryModel::otherData(const StoredRun &run, int column, int role) const
{
    if (role == ItemRole::Progress && column == Outcome && run.outcome == RunOutcome::Running &&
        !silentSince(run)) {
        const RunProgress progress = progressOf(run);
        return QVariantList{progress.done, progress.total};
    }
    if (role == Qt::TextAlignmentRole && column == Duration)
        return QVariant(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

QVariant RunHistoryModel::display(const StoredRun &run, int column) const
{
    switch (column) {
    case Trigger:
        return RunFormat::triggerText(run);
    case Occurrence:
        return TimeDisplay::shortDateTime(run.occurrence);
    case Start:
        return TimeDisplay::shortDateTime(run.startedAt);
    case Duration: {
        if (const auto since = silentSince(run)) // it ran until its last sign of life
            return TimeDisplay::duration(run.startedAt.msecsTo(*since));
        const qint64 msecs = RunFormat::durationMSecs(
            run, m_now.isValid() ? m_now : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
        return run.outcome == RunOutcome::Running && msecs >= 0
                   ? tr("%1 so far").arg(TimeDisplay::duration(msecs))
                   : TimeDisplay::duration(msecs);
    }
    case Outcome:
        if (silentSince(run))
            return RunFormat::notRespondingText();
        if (const RunProgress progress = progressOf(run);
            run.outcome == RunOutcome::Running && progress.total > 0)
            return tr("%1 %2%")
                .arg(RunFormat::outcomeCellText(run))
                .arg(progress.done * 100 / progress.total);
        return RunFormat::outcomeCellText(run);
    case Who:
        return RunFormat::whoText(run);
    case Summary:
        if (const auto since = silentSince(run)) {
            const QString progress = RunFormat::progressText(progressOf(run));
            const QString silent = RunFormat::silentText(run, *since);
            return progress.isEmpty() ? silent : tr("%1 · %2").arg(silent, progress);
        }
        if (run.outcome == RunOutcome::Running)
            return RunFormat::progressText(progressOf(run));
        return RunFormat::summaryText(run);
    default:
        return {};
    }
}

QVariant RunHistoryModel::toolTip(const StoredRun &run, int column) const
{
    switch (column) {
    case Occurrence:
        return TimeDisplay::dateTime(run.occurrence);
    case Start:
        return TimeDisplay::dateTime(run.startedAt);
    case Duration:
        return tr("Finished %1").arg(TimeDisplay::dateTime(run.finishedAt));
    case Outcome:
        if (silentSince(run))
            return RunFormat::silentReason(run, m_now);
        return run.error.isEmpty() ? RunFormat::outcomeText(run.outcome) : run.error;
    case Who: {
        QString text = RunFormat::whoText(run);
        if (!run.reason.isEmpty())
            text += u'\n' + tr("Reason: %1").arg(run.reason);
        if (!run.instanceId.isEmpty())
            text += u'\n' + tr("Instance: %1").arg(run.instanceId);
        return text;
    }
    case Summary:
        if (run.summary.isEmpty() && !run.error.isEmpty())
            return run.error;
        // The words in full (the cell may elide them), then every counter.
        return run.summary.isEmpty()
                   ? QVariant()
                   : QVariant(RunFormat::summaryText(run) + QStringLiteral("\n\n") +
                              QString::fromUtf8(
                                  QJsonDocument(run.summary).toJson(QJsonDocument::Indented)));
    default:
        return {};
    }
}

} // namespace jc
