#include "models/ErrorLogModel.h"

#include "data/TimeDisplay.h"
#include "models/RunFormat.h"

namespace jc {

ErrorLogModel::ErrorLogModel(DatabaseReader *reader, QObject *parent)
    : PagedRunModel(reader, parent)
{}

QList<RunOutcome> ErrorLogModel::problemOutcomes()
{
    return {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::Interrupted,
            RunOutcome::Abandoned, RunOutcome::Missed};
}

void ErrorLogModel::setFilter(const QString &job, const QString &text, const QDateTime &since,
                              const QDateTime &until)
{
    setQuery({.job = job,
              .outcomes = problemOutcomes(),
              .since = since,
              .until = until,
              .errorContains = text.trimmed()});
}

QStringList ErrorLogModel::titles() const
{
    return {tr("Started"), tr("Job"), tr("Outcome"), tr("Trigger"), tr("Error")};
}

QVariant ErrorLogModel::toolTip(const StoredRun &run, int column) const
{
    if (column == Start)
        return TimeDisplay::dateTime(run.startedAt);
    return column == Error || column == Outcome ? QVariant(run.error) : QVariant();
}

QVariant ErrorLogModel::display(const StoredRun &run, int column) const
{
    switch (column) {
    case Start:
        return TimeDisplay::shortDateTime(run.startedAt);
    case Job:
        return run.job;
    case Outcome:
        return RunFormat::outcomeCellText(run);
    case Trigger:
        return RunFormat::triggerText(run);
    case Error:
        return RunFormat::firstLine(run.error);
    default:
        return {};
    }
}

} // namespace jc
