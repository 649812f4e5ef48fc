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

int ErrorLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ErrorLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredRun &run = runAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(run, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Start)
            return TimeDisplay::dateTime(run.startedAt);
        return index.column() == Error || index.column() == Outcome ? QVariant(run.error)
                                                                    : QVariant();
    case Qt::DecorationRole:
        return index.column() == Outcome ? QVariant(RunFormat::outcomeIcon(run.outcome))
                                         : QVariant();
    case Qt::ForegroundRole:
        return index.column() == Outcome ? QVariant(RunFormat::outcomeColor(run.outcome))
                                         : QVariant();
    case RunIdRole:
        return run.id;
    case OutcomeRole:
        return static_cast<int>(run.outcome);
    default:
        return {};
    }
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

QVariant ErrorLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Start:
        return tr("Started");
    case Job:
        return tr("Job");
    case Outcome:
        return tr("Outcome");
    case Trigger:
        return tr("Trigger");
    case Error:
        return tr("Error");
    default:
        return {};
    }
}

} // namespace jc
