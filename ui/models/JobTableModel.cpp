#include "models/JobTableModel.h"

#include "data/TimeDisplay.h"
#include "jobs/RunSummaryText.h"
#include "models/RunFormat.h"
#include "storage/RunLiveness.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace jc {

namespace {

StoredRun storedFrom(const RunRecord &record)
{
    StoredRun run;
    run.id = record.storedRunId;
    run.job = record.info.job;
    run.trigger = record.info.trigger;
    run.occurrence = record.info.occurrence;
    run.outcome = record.outcome;
    run.startedAt = record.info.startedAt;
    run.finishedAt = record.finishedAt;
    run.error = record.error;
    run.attempts = record.info.attempt;
    run.requestedBy = record.info.requestedBy;
    run.reason = record.info.reason;
    run.dryRun = record.info.dryRun;
    run.summary = record.summary;
    return run;
}

qint64 msecsOrMax(const QDateTime &instant)
{
    return instant.isValid() ? instant.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
}

} // namespace

JobTableModel::JobTableModel(const QDateTime &now, QObject *parent)
    : QAbstractTableModel(parent)
    , m_now(now)
{}

void JobTableModel::setJobs(const QList<JobOverview> &jobs)
{
    beginResetModel();
    m_jobs = jobs;
    endResetModel();
}

void JobTableModel::setNow(const QDateTime &now)
{
    m_now = now;
    if (!m_jobs.isEmpty())
        emit dataChanged(index(0, State), index(int(m_jobs.size()) - 1, LastSuccess));
}

void JobTableModel::applyStored(const QHash<QString, StoredRun> &latest,
                                const QHash<QString, QDateTime> &successes,
                                const QHash<QString, PauseState> &pauses,
                                const QHash<QString, QDateTime> &lastOccurrences)
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        JobOverview &job = m_jobs[row];
        const auto run = latest.constFind(job.name);
        const bool endedHere = job.lastRun && run != latest.cend() && job.lastRun->id == run->id &&
                               job.lastRun->outcome != RunOutcome::Running &&
                               run->outcome == RunOutcome::Running;
        if (endedHere)
            continue; // seen ending here before the database recorded it: the next read agrees
        if (run != latest.cend()) {
            noteEnded(job.lastRun, *run);
            noteBegan(job.lastRun, *run);
            job.lastRun = *run;
        } else {
            job.lastRun.reset();
        }
        // RunLiveness: a stored running run whose holder is gone or whose lease expired.
        job.notRespondingSince =
            job.lastRun ? RunLiveness::notRespondingSince(*job.lastRun, m_now.toMSecsSinceEpoch())
                        : std::nullopt;
        job.notResponding = job.notRespondingSince.has_value();
        job.lastSuccess = successes.value(job.name);
        job.lastOccurrence = lastOccurrences.value(job.name);
        const auto pause = pauses.constFind(job.name);
        job.pause = pause != pauses.cend() ? std::optional(*pause) : std::nullopt;
        rowChanged(row);
    }
    m_loaded = true;
}

void JobTableModel::applyRunStarted(const RunInfo &run)
{
    const int row = rowOf(run.job);
    if (row < 0)
        return;
    m_jobs[row].localRun = run;
    m_jobs[row].localProgress = {};
    rowChanged(row);
}

void JobTableModel::applyRunProgress(RunId run, qint64 done, qint64 total, const QString &text)
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        JobOverview &job = m_jobs[row];
        if (job.localRun && job.localRun->id == run) {
            job.localProgress = RunProgress::sanitized(done, total, text);
            rowChanged(row);
            return;
        }
    }
}

void JobTableModel::applyRunFinished(const RunRecord &record)
{
    const int row = rowOf(record.info.job);
    if (row < 0)
        return;
    JobOverview &job = m_jobs[row];
    if (job.localRun && job.localRun->id == record.info.id) {
        job.localRun.reset();
        job.localProgress = {};
    }
    const StoredRun run = storedFrom(record);
    noteEnded(job.lastRun, run, true);
    job.lastRun = run;
    if (record.outcome == RunOutcome::Succeeded && !record.info.dryRun)
        job.lastSuccess = record.finishedAt.toUTC();
    rowChanged(row);
}

void JobTableModel::applyScheduled(const QString &job, const QDateTime &next)
{
    const int row = rowOf(job);
    if (row < 0)
        return;
    m_jobs[row].scheduledNext = next;
    rowChanged(row);
}

void JobTableModel::applySchedule(const QString &job, const Schedule &schedule)
{
    const int row = rowOf(job);
    if (row < 0)
        return;
    JobOverview &overview = m_jobs[row];
    if (overview.schedule.text() == schedule.text() && overview.schedule.zone() == schedule.zone())
        return;
    overview.schedule = schedule;
    rowChanged(row);
}

void JobTableModel::applyEarlierSchedules(
    const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier)
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        m_jobs[row].earlierSchedules = earlier.value(m_jobs.at(row).name);
        rowChanged(row);
    }
}

void JobTableModel::applyPause(const QString &job, const std::optional<PauseState> &pause)
{
    const int row = rowOf(job);
    if (row < 0)
        return;
    m_jobs[row].pause = pause;
    rowChanged(row);
}

// Unlike an ending, a run found running by the first snapshot is news too: a pane that read
// the database before the run began (History, opened with the window) must read again, and the
// table's later snapshots will not tell, as they show the same run.
void JobTableModel::noteBegan(const std::optional<StoredRun> &before, const StoredRun &after)
{
    if (after.outcome != RunOutcome::Running)
        return;
    if (before && before->id == after.id && before->outcome == RunOutcome::Running)
        return;
    emit runBegan(after);
}

void JobTableModel::noteEnded(const std::optional<StoredRun> &before, const StoredRun &after,
                              bool endedHere)
{
    // Before the first snapshot, a stored ending is history, not news; a run of this
    // console's own scheduler that ends is news whenever it ends.
    if ((!m_loaded && !endedHere) || after.outcome == RunOutcome::Running)
        return;
    if (before && before->id == after.id && before->id != 0 && before->outcome == after.outcome)
        return;
    emit runEnded(after);
}

int JobTableModel::rowOf(const QString &job) const
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (m_jobs.at(row).name == job)
            return row;
    }
    return -1;
}

const JobOverview *JobTableModel::job(const QString &name) const
{
    const int row = rowOf(name);
    return row < 0 ? nullptr : &m_jobs.at(row);
}

JobsAtAGlance JobTableModel::glance() const
{
    QList<JobsAtAGlance::Job> jobs;
    jobs.reserve(qsizetype(m_jobs.size()));
    for (const JobOverview &job : m_jobs)
        jobs.append({job.name, job.facts()});
    return JobsAtAGlance::of(jobs, m_now,
                             [](const QDateTime &at) { return TimeDisplay::shortDateTime(at); });
}

QStringList JobTableModel::jobNames() const
{
    QStringList names;
    for (const JobOverview &job : m_jobs)
        names.append(job.name);
    return names;
}

void JobTableModel::rowChanged(int row)
{
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Job");
    case State:
        return tr("State");
    case ScheduleColumn:
        return tr("Schedule");
    case LastRun:
        return tr("Last run");
    case NextRun:
        return tr("Next run");
    case LastSuccess:
        return tr("Last success");
    default:
        return {};
    }
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JobOverview &job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(job, index.column());
    case Qt::ToolTipRole:
        return toolTip(job, index.column());
    case Qt::AccessibleTextRole:
        return display(job, index.column());
    case Qt::ForegroundRole:
        return foreground(job, index.column());
    case Qt::DecorationRole:
        if (index.column() == LastRun && job.lastRun)
            return RunFormat::outcomeIcon(job.lastRun->outcome);
        return {};
    case JobNameRole:
        return job.name;
    case StateRole:
        return int(job.state(m_now));
    case ProgressRole:
        // No bar for a run whose holder is gone: it does not progress (RunLiveness).
        if (index.column() == State && job.isRunning() &&
            job.state(m_now) != JobOverview::State::NotResponding) {
            const RunProgress progress = job.progress();
            return QVariantList{progress.done, progress.total};
        }
        return {};
    case SortRole:
        return sortValue(job, index.column());
    default:
        return {};
    }
}

QVariant JobTableModel::display(const JobOverview &job, int column) const
{
    switch (column) {
    case Name:
        return job.name;
    case State:
        return stateText(job);
    case ScheduleColumn:
        return tr("%1 — %2 (%3)")
            .arg(job.schedule.text(), job.schedule.description(),
                 QString::fromUtf8(job.schedule.zone().id()));
    case LastRun:
        return lastRunText(job);
    case NextRun:
        return nextRunText(job);
    case LastSuccess:
        if (!job.lastSuccess.isValid())
            return job.lastRun ? tr("never") : QStringLiteral("—");
        return tr("%1 (%2)").arg(TimeDisplay::shortDateTime(job.lastSuccess),
                                 TimeDisplay::relative(job.lastSuccess, m_now));
    default:
        return {};
    }
}

QString JobTableModel::stateText(const JobOverview &job) const
{
    const JobOverview::State state = job.state(m_now);
    switch (state) {
    case JobOverview::State::Running: {
        const RunProgress progress = job.progress();
        QString text = job.isRunningElsewhere() ? tr("running on %1").arg(job.lastRun->instanceId)
                                                : tr("running");
        if (progress.total > 0)
            text += tr(" %1/%2").arg(RunSummaryText::count(progress.done),
                                     RunSummaryText::count(progress.total));
        else if (progress.done > 0)
            text += tr(" %1 done").arg(RunSummaryText::count(progress.done));
        return text;
    }
    case JobOverview::State::NotResponding:
        return tr("not responding since %1 (%2)")
            .arg(TimeDisplay::shortDateTime(*job.notRespondingSince),
                 job.lastRun->instanceId.isEmpty() ? tr("an unknown instance")
                                                   : job.lastRun->instanceId);
    case JobOverview::State::Paused: {
        QString text = tr("paused");
        if (!job.pause->reason.isEmpty())
            text += tr(": %1").arg(job.pause->reason);
        if (job.pause->resumeAt)
            text += tr(" (until %1)").arg(TimeDisplay::shortDateTime(*job.pause->resumeAt));
        return text;
    }
    default:
        return toText(state);
    }
}

QString JobTableModel::lastRunText(const JobOverview &job) const
{
    if (!job.lastRun)
        return tr("never");
    const StoredRun &run = *job.lastRun;
    if (job.notRespondingSince && !job.localRun) {
        // Its duration stops at the last sign of life, as the `interrupted` row's will.
        return tr("%1 · not responding · %2")
            .arg(TimeDisplay::shortDateTime(run.startedAt),
                 TimeDisplay::duration(run.startedAt.msecsTo(*job.notRespondingSince)));
    }
    // A dry run changed nothing: it must not read like the job's real last run.
    const QString outcome = run.dryRun ? tr("dry run %1").arg(RunFormat::outcomeText(run.outcome))
                                       : RunFormat::outcomeText(run.outcome);
    return tr("%1 · %2 · %3")
        .arg(TimeDisplay::shortDateTime(run.startedAt), outcome,
             TimeDisplay::duration(RunFormat::durationMSecs(run, m_now)));
}

QString JobTableModel::nextRunText(const JobOverview &job) const
{
    if (job.pause && job.pause->isActiveAt(m_now.toMSecsSinceEpoch())) {
        if (!job.pause->resumeAt)
            return tr("paused");
        // The pause ends by itself (the State column says when): the run after it will
        // happen, and is what to expect (an occurrence at the very instant it ends runs).
        const QDateTime next = job.schedule.next(job.pause->resumeAt->addMSecs(-1));
        return next.isValid() ? tr("%1 (after the pause)").arg(TimeDisplay::shortDateTime(next))
                              : tr("paused");
    }
    const QDateTime overdue = job.overdueSince(m_now);
    const QDateTime next = job.nextRun(m_now);
    QString text = next.isValid() ? tr("%1 (%2)").arg(TimeDisplay::shortDateTime(next),
                                                      TimeDisplay::relative(next, m_now))
                                  : tr("never");
    if (overdue.isValid())
        text = tr("overdue since %1 · next %2").arg(TimeDisplay::shortDateTime(overdue), text);
    return text;
}

QVariant JobTableModel::toolTip(const JobOverview &job, int column) const
{
    switch (column) {
    case Name:
        return job.description.isEmpty() ? job.name : job.description;
    case State: {
        QString text = stateText(job);
        if (job.isRunning() && !job.progress().text.isEmpty())
            text += u'\n' + job.progress().text;
        if (job.pause) {
            text += u'\n' +
                    tr("Paused by %1 at %2")
                        .arg(job.pause->pausedBy.isEmpty() ? tr("someone") : job.pause->pausedBy,
                             TimeDisplay::dateTime(job.pause->pausedAt));
        }
        if (job.lastRun && !job.lastRun->error.isEmpty() && !job.isRunning())
            text += u'\n' + RunFormat::firstLine(job.lastRun->error);
        return text;
    }
    case LastRun:
        if (!job.lastRun)
            return {};
        return tr("Run %1, started %2, %3 by %4%5")
            .arg(QString::number(job.lastRun->id), TimeDisplay::dateTime(job.lastRun->startedAt),
                 RunFormat::triggerText(*job.lastRun), RunFormat::whoText(*job.lastRun),
                 job.lastRun->error.isEmpty() ? QString() : u'\n' + job.lastRun->error);
    case NextRun:
        return TimeDisplay::dateTime(job.nextRun(m_now));
    case LastSuccess:
        return TimeDisplay::dateTime(job.lastSuccess);
    default:
        return display(job, column);
    }
}

QVariant JobTableModel::sortValue(const JobOverview &job, int column) const
{
    switch (column) {
    case State:
        return int(job.state(m_now));
    case LastRun:
        return job.lastRun ? job.lastRun->startedAt.toMSecsSinceEpoch() : qint64(-1);
    case NextRun:
        return msecsOrMax(job.nextRun(m_now));
    case LastSuccess:
        return job.lastSuccess.isValid() ? job.lastSuccess.toMSecsSinceEpoch() : qint64(-1);
    default:
        return display(job, column);
    }
}

QVariant JobTableModel::foreground(const JobOverview &job, int column) const
{
    if (column == LastRun && job.lastRun) {
        const bool silent = job.notRespondingSince && !job.localRun;
        return RunFormat::outcomeColor(silent ? RunOutcome::Failed : job.lastRun->outcome);
    }
    if (column != State && column != NextRun)
        return {};
    switch (job.state(m_now)) {
    case JobOverview::State::Running:
        return RunFormat::outcomeColor(RunOutcome::Running);
    case JobOverview::State::Overdue:
    case JobOverview::State::Failing:
    case JobOverview::State::NotResponding:
        return RunFormat::outcomeColor(RunOutcome::Failed);
    case JobOverview::State::Paused:
        return RunFormat::outcomeColor(RunOutcome::Skipped);
    case JobOverview::State::Idle:
        return {};
    }
    return {};
}

} // namespace jc
