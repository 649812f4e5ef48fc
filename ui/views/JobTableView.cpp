#include "views/JobTableView.h"

#include "main/JobActions.h"
#include "models/JobTableModel.h"
#include "views/ColumnFitter.h"
#include "views/ProgressDelegate.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QMenu>
#include <QSortFilterProxyModel>

#include <algorithm>

namespace jc {

JobTableView::JobTableView(JobTableModel *model, QWidget *parent)
    : QTableView(parent)
    , m_model(model)
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JobTableModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    setTabKeyNavigation(false); // Tab leaves the table; arrows move between rows
    setObjectName(QStringLiteral("jobTable"));
    setAccessibleName(tr("Jobs"));
    setModel(m_proxy);
    setSortingEnabled(true);
    sortByColumn(JobTableModel::Name, Qt::AscendingOrder);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    verticalHeader()->hide();
    setItemDelegateForColumn(JobTableModel::State, new ProgressDelegate(this));
    QHeaderView *header = horizontalHeader();
    header->setObjectName(QStringLiteral("jobTableHeader"));
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    // Job, state and next run show whole; the schedule (its description can be long) and the
    // last success give way first, and take what is spare, then the last run (its outcome and
    // duration after the time) when the window is narrow.
    m_columns = new ColumnFitter(
        this, {JobTableModel::ScheduleColumn, JobTableModel::LastSuccess, JobTableModel::LastRun},
        JobTableModel::ScheduleColumn);
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobTableView::currentJobMayHaveChanged);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &JobTableView::currentJobMayHaveChanged);
}

QSize JobTableView::sizeHint() const
{
    QSize hint = QTableView::sizeHint();
    const int rows = std::clamp(m_proxy->rowCount(), 1, MostRowsWanted);
    const int rowHeight =
        m_proxy->rowCount() > 0 ? QTableView::rowHeight(0) : verticalHeader()->defaultSectionSize();
    hint.setHeight(2 * frameWidth() + horizontalHeader()->sizeHint().height() + rows * rowHeight);
    return hint;
}

void JobTableView::setContextActions(const JobActions *actions)
{
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, [this, actions](const QPoint &at) {
        QMenu menu(this);
        actions->addTo(&menu);
        menu.exec(viewport()->mapToGlobal(at));
    });
}

void JobTableView::keyPressEvent(QKeyEvent *event)
{
    const bool menuKey = event->key() == Qt::Key_Menu ||
                         (event->key() == Qt::Key_F10 && event->modifiers() == Qt::ShiftModifier);
    if (!menuKey || contextMenuPolicy() != Qt::CustomContextMenu) {
        QTableView::keyPressEvent(event);
        return;
    }
    event->accept();
    // Just under the current cell, as a right-click's menu opens under the pointer: the row
    // stays readable, so the admin sees which job the menu acts on.
    const QModelIndex current = currentIndex();
    emit customContextMenuRequested(current.isValid() ? visualRect(current).bottomLeft()
                                                      : viewport()->rect().center());
}

QStringList JobTableView::selectedJobs() const
{
    QList<int> rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QStringList jobs;
    for (const int row : rows)
        jobs.append(m_proxy->index(row, 0).data(JobTableModel::JobNameRole).toString());
    return jobs;
}

bool JobTableView::anySelected(int first, int last) const
{
    const QItemSelectionModel *selection = selectionModel();
    if (!selection->hasSelection())
        return false;
    for (int row = first; row <= last; ++row) {
        const QModelIndex shown = m_proxy->mapFromSource(m_model->index(row, 0));
        if (shown.isValid() && selection->isRowSelected(shown.row()))
            return true;
    }
    return false;
}

QString JobTableView::currentJob() const
{
    const QModelIndex current = selectionModel()->currentIndex();
    if (!current.isValid() || !selectionModel()->isRowSelected(current.row()))
        return {};
    return current.data(JobTableModel::JobNameRole).toString();
}

bool JobTableView::selectJobs(const QStringList &jobs)
{
    QItemSelection selection;
    QModelIndex current;
    for (const QString &job : jobs) {
        const int row = m_model->rowOf(job);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        selection.select(index, index);
        if (!current.isValid())
            current = index;
    }
    if (!current.isValid() && m_proxy->rowCount() > 0) {
        current = m_proxy->index(0, 0);
        selection.select(current, current);
    }
    if (!current.isValid())
        return false;
    selectionModel()->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
    selectionModel()->select(selection,
                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

} // namespace jc
