#pragma once

#include <QStyledItemDelegate>

namespace jc {

// Draws a cell that has a progress (ItemRole::Progress: the state cell of a running job, the
// outcome cell of a running run) as a progress bar (done/total, or a busy bar while the total
// is unknown) with the cell's text on it; other cells as usual.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace jc
