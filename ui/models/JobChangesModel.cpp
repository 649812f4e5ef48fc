#include "models/JobChangesModel.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "jobs/JobChangeText.h"

namespace jc {

JobChangesModel::JobChangesModel(DatabaseReader *reader, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{}

void JobChangesModel::setJob(const QString &job)
{
    if (job == m_job) {
        refresh();
        return;
    }
    beginResetModel();
    m_job = job;
    m_changes.clear();
    m_lastError.clear();
    m_loaded = false;
    endResetModel();
    refresh();
}

void JobChangesModel::refresh()
{
    const quint64 ticket = ++m_ticket;
    if (m_job.isEmpty() || !m_reader)
        return;
    using Result = Expected<QList<JobSettingsChange>, QString>;
    m_reader->read<Result>(
        this,
        [database = m_reader->database(), job = m_job](ConnectionFactory &) {
            return JobSettingsStore(database).changes(job, Limit);
        },
        [this, ticket](Result changes) { apply(ticket, changes); });
}

void JobChangesModel::apply(quint64 ticket,
                            const Expected<QList<JobSettingsChange>, QString> &changes)
{
    if (ticket != m_ticket)
        return; // an answer for a job no longer shown, or superseded
    if (!changes) {
        m_lastError = changes.error();
        m_reader->reportFailure(m_lastError);
        emit loadFailed(m_lastError);
        return;
    }
    m_reader->reportSuccess();
    m_lastError.clear();
    beginResetModel();
    m_changes = changes.value();
    m_loaded = true;
    endResetModel();
    emit loaded();
}

int JobChangesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

int JobChangesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobChangesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_changes.size())
        return {};
    const JobSettingsChange &change = m_changes.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case When:
            return TimeDisplay::shortDateTime(change.changedAt);
        case Who:
            return change.changedBy.isEmpty() ? tr("unknown") : change.changedBy;
        case Change:
            return JobChangeText::of(change, &TimeDisplay::shortDateTime);
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == When)
            return TimeDisplay::dateTime(change.changedAt);
        if (index.column() == Change)
            return JobChangeText::of(change, &TimeDisplay::dateTime)
                .replace(QStringLiteral("; "), QStringLiteral("\n"));
    }
    return {};
}

QVariant JobChangesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case When:
        return tr("When");
    case Who:
        return tr("Who");
    case Change:
        return tr("Change");
    }
    return {};
}

} // namespace jc
