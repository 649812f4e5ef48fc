#include "models/PagedRunModel.h"

#include "data/DatabaseReader.h"
#include "models/RunFormat.h"

#include <iterator>
#include <limits>

namespace jc {

namespace {

// What a refresh may change in a row it already shows.
bool sameRow(const StoredRun &a, const StoredRun &b)
{
    return a.outcome == b.outcome && a.startedAt == b.startedAt && a.finishedAt == b.finishedAt &&
           a.heartbeatAt == b.heartbeatAt && a.error == b.error && a.attempts == b.attempts &&
           a.summary == b.summary && a.progress == b.progress &&
           a.cancelRequestedAt == b.cancelRequestedAt && a.missedCount == b.missedCount;
}

} // namespace

PagedRunModel::PagedRunModel(DatabaseReader *reader, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{}

void PagedRunModel::setQuery(const RunQuery &query)
{
    beginResetModel();
    ++m_ticket; // replies to the old query are now stale
    m_query = query;
    m_runs.clear();
    m_active = true;
    m_fetching = false;
    m_refreshing = false;
    m_refreshAgain = false; // the first page is read after whatever asked
    m_fetchFailed = false;
    m_complete = false;
    endResetModel();
    requestPage();
}

void PagedRunModel::clear()
{
    beginResetModel();
    ++m_ticket;
    m_runs.clear();
    m_active = false;
    m_fetching = false;
    m_refreshing = false;
    m_refreshAgain = false;
    m_complete = false;
    endResetModel();
}

qint64 PagedRunModel::runIdAt(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_runs.size()
               ? m_runs.at(static_cast<std::size_t>(row)).id
               : 0;
}

int PagedRunModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int PagedRunModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(columnTitles().size());
}

QVariant PagedRunModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredRun &run = runAt(index.row());
    const bool outcome = index.column() == outcomeColumn();
    switch (role) {
    case Qt::DisplayRole:
        return display(run, index.column());
    case Qt::ToolTipRole:
        return toolTip(run, index.column());
    case Qt::DecorationRole:
        return outcome ? QVariant(RunFormat::outcomeIcon(shownOutcome(run))) : QVariant();
    case Qt::ForegroundRole:
        return outcome ? QVariant(RunFormat::outcomeColor(shownOutcome(run))) : QVariant();
    case RunIdRole:
        return run.id;
    case OutcomeRole:
        return static_cast<int>(run.outcome);
    default:
        return otherData(run, index.column(), role);
    }
}

QVariant PagedRunModel::otherData(const StoredRun &, int, int) const
{
    return {};
}

QVariant PagedRunModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return columnTitles().value(section);
}

// Asked for at every layout and paint: read once (the console does not change language).
const QStringList &PagedRunModel::columnTitles() const
{
    if (m_titles.isEmpty())
        m_titles = titles();
    return m_titles;
}

bool PagedRunModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_active && !m_complete && !m_fetchFailed;
}

void PagedRunModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        requestPage();
}

void PagedRunModel::refresh()
{
    if (!m_active)
        return;
    if (m_refreshing || m_fetching) {
        // That read may have been made before the change this refresh is for (a run that
        // began just now): once it has answered, read again.
        m_refreshAgain = true;
        return;
    }
    m_fetchFailed = false;
    if (m_runs.empty()) { // nothing to merge into: (re)load the first page
        m_complete = false;
        requestPage();
        return;
    }
    m_refreshing = true;
    RunQuery newest = m_query;
    newest.beforeId = 0;
    newest.limit = m_pageSize;
    const quint64 ticket = m_ticket;
    read(newest, [this, ticket](Page page) {
        if (ticket != m_ticket)
            return;
        if (accept(page))
            mergeNewest(page.value());
        m_refreshing = false;
        emit loaded();
        readAnswered();
    });
}

void PagedRunModel::requestPage()
{
    if (!m_active || m_fetching || m_complete || m_fetchFailed)
        return;
    m_fetching = true;
    RunQuery next = m_query;
    next.beforeId = m_runs.empty() ? 0 : m_runs.back().id;
    next.limit = m_pageSize;
    const quint64 ticket = m_ticket;
    read(next, [this, ticket](Page page) {
        if (ticket != m_ticket)
            return;
        // Still "fetching" while the rows go in: a view or tester that asks for more from
        // rowsAboutToBeInserted would otherwise read this page again.
        if (accept(page))
            appendPage(page.value());
        else
            m_fetchFailed = true; // until refresh(): a view would otherwise ask again at once
        m_fetching = false;
        emit loaded();
        readAnswered();
    });
}

void PagedRunModel::readAnswered()
{
    if (!m_refreshAgain || m_fetching || m_refreshing)
        return;
    m_refreshAgain = false;
    refresh();
}

void PagedRunModel::appendPage(const QList<StoredRun> &page)
{
    m_complete = page.size() < m_pageSize;
    // A refresh may have changed the rows since this page was asked for: keep only the ones
    // below the last row shown.
    const qint64 below = m_runs.empty() ? std::numeric_limits<qint64>::max() : m_runs.back().id;
    QList<StoredRun> rows;
    for (const StoredRun &run : page) {
        if (run.id < below)
            rows.append(run);
    }
    if (rows.isEmpty())
        return;
    const int first = static_cast<int>(m_runs.size());
    beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
    m_runs.insert(m_runs.end(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
    endInsertRows();
}

void PagedRunModel::mergeNewest(const QList<StoredRun> &page)
{
    const bool full = page.size() >= m_pageSize;
    if (full && page.constLast().id > m_runs.front().id) {
        // More new runs than a page: the gap cannot be filled by a merge; start over.
        beginResetModel();
        m_runs.assign(page.cbegin(), page.cend());
        m_complete = false;
        endResetModel();
        return;
    }
    if (!full)
        m_complete = true; // the page is the whole result
    // Rows with id >= floor are what the page covers; the ones below stay as they are.
    const qint64 floor = full ? page.constLast().id : std::numeric_limits<qint64>::min();
    std::size_t i = 0;
    qsizetype j = 0;
    const int lastColumn = columnCount() - 1;
    while (j < page.size() || (i < m_runs.size() && m_runs.at(i).id >= floor)) {
        const bool covered = i < m_runs.size() && m_runs.at(i).id >= floor;
        if (covered && (j == page.size() || m_runs.at(i).id > page.at(j).id)) {
            const int row = static_cast<int>(i);
            beginRemoveRows({}, row, row); // gone from the database
            m_runs.erase(m_runs.begin() + static_cast<qsizetype>(i));
            endRemoveRows();
        } else if (!covered || m_runs.at(i).id < page.at(j).id) {
            const int row = static_cast<int>(i);
            beginInsertRows({}, row, row); // new
            m_runs.insert(m_runs.begin() + static_cast<qsizetype>(i), page.at(j));
            endInsertRows();
            ++i;
            ++j;
        } else {
            if (!sameRow(m_runs.at(i), page.at(j))) {
                m_runs[i] = page.at(j);
                const int row = static_cast<int>(i);
                emit dataChanged(index(row, 0), index(row, lastColumn));
            }
            ++i;
            ++j;
        }
    }
}

void PagedRunModel::read(const RunQuery &query, std::function<void(Page)> deliver)
{
    if (!m_reader)
        return;
    m_reader->read<Page>(
        this,
        [database = m_reader->database(), query](ConnectionFactory &) {
            return RunHistory(database).runs(query);
        },
        std::move(deliver));
}

bool PagedRunModel::accept(const Page &page)
{
    if (!m_reader)
        return false;
    if (!page) {
        m_lastError = page.error();
        m_reader->reportFailure(m_lastError);
        emit loadFailed(m_lastError);
        return false;
    }
    m_lastError.clear();
    m_reader->reportSuccess();
    return true;
}

} // namespace jc
