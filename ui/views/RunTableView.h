#pragma once

#include <QTableView>

namespace jc {

// The table the history pane and the error log show runs in: whole-row single selection,
// read-only, fixed row heights (the view never measures 100,000 rows), no row numbers.
// A double-click or Enter on a row emits runActivated() with the row's
// PagedRunModel::RunIdRole. Explicit rather than QAbstractItemView::activated, which some
// platform styles fire on a single click (the row would open while being selected).
//
// Thread: GUI thread.
class RunTableView : public QTableView
{
    Q_OBJECT
public:
    explicit RunTableView(QWidget *parent = nullptr);

signals:
    void runActivated(qint64 runId);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void activate(const QModelIndex &index);
};

} // namespace jc
