#pragma once

#include <QStyledItemDelegate>

namespace jc {

// Draws the state cell of a running job as a progress bar (done/total, or a busy bar while
// the total is unknown) with the state text on it; other cells as usual. Reads
// JobTableModel::ProgressRole.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace jc
