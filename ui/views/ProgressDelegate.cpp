#include "views/ProgressDelegate.h"

#include "models/ItemRoles.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace jc {

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    const QVariantList progress = index.data(ItemRole::Progress).toList();
    if (progress.size() != 2) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The selection background first, so a selected running row still looks selected.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    background.icon = QIcon();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &background, painter,
                                       option.widget);

    const qint64 done = progress.at(0).toLongLong();
    const qint64 total = progress.at(1).toLongLong();
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.state = option.state | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.fontMetrics = option.fontMetrics;
    bar.palette = option.palette;
    // Scaled to 0..1000: QStyleOptionProgressBar holds ints, totals may not fit.
    bar.minimum = 0;
    bar.maximum = total > 0 ? 1000 : 0; // 0..0: the style's busy indicator
    bar.progress = total > 0 ? int(done * 1000 / total) : 0;
    // One line, elided: a style may wrap a text wider than the bar (Fusion did, showing half
    // of a second line) until the table's columns are fitted again to the longer text.
    bar.text =
        option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight,
                                      bar.rect.width() - option.fontMetrics.averageCharWidth());
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    QApplication::style()->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

} // namespace jc
