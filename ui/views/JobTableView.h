#pragma once

#include <QStringList>
#include <QTableView>

class QSortFilterProxyModel;

namespace jc {

class ColumnFitter;
class JobActions;
class JobTableModel;

// The console's jobs table (objectName "jobTable"): a sortable view of a JobTableModel
// through a proxy, whole rows selected (several with Ctrl or Shift), the State column drawn
// with its progress, columns fitted to the width (ColumnFitter), and the job actions in its
// context menu. The single-job actions act on "the current row, once selected": currentJob().
//
// Thread: GUI thread.
class JobTableView : public QTableView
{
    Q_OBJECT
public:
    explicit JobTableView(JobTableModel *model, QWidget *parent = nullptr);

    // The actions the context menu offers (JobActions::addTo).
    void setContextActions(const JobActions *actions);

    // The jobs selected now, by name, in table order.
    QStringList selectedJobs() const;
    // The current row's job when that row is selected; empty otherwise.
    QString currentJob() const;
    // Whether any of the model's rows first..last (JobTableModel's rows, not the sorted and
    // filtered view's) is selected.
    bool anySelected(int first, int last) const;
    // Selects `jobs` (those still in the table), the first of them current; the first row
    // when none is. False when the table is empty.
    bool selectJobs(const QStringList &jobs);

    // At most this many rows count in the height the table asks for.
    static constexpr int MostRowsWanted = 12;
    // Tall enough for every row, up to MostRowsWanted (at least one).
    QSize sizeHint() const override;

protected:
    // Shift+F10 and the Menu key open the context menu under the current cell: Qt maps neither
    // on every platform, and a keyboard user had no way to reach it.
    void keyPressEvent(QKeyEvent *event) override;

signals:
    // The current row or the selection changed: a mouse press moves the current index first
    // and selects the row after it; a key selects first. Both lead here.
    void currentJobMayHaveChanged();

private:
    JobTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    ColumnFitter *m_columns = nullptr;
};

} // namespace jc
