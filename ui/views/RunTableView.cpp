#include "views/RunTableView.h"

#include "models/PagedRunModel.h"

#include <QHeaderView>
#include <QKeyEvent>

namespace jc {

RunTableView::RunTableView(QWidget *parent)
    : QTableView(parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAlternatingRowColors(true);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setTabKeyNavigation(false); // Tab leaves the table, as keyboard users expect
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    connect(this, &QTableView::doubleClicked, this, &RunTableView::activate);
}

void RunTableView::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        currentIndex().isValid()) {
        activate(currentIndex());
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void RunTableView::activate(const QModelIndex &index)
{
    const qint64 id = index.data(PagedRunModel::RunIdRole).toLongLong();
    if (id > 0)
        emit runActivated(id);
}

} // namespace jc
