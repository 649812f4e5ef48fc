// ProgressDelegate: the bar drawn in a running job's state cell, with the cell's text on it.
// A run on another instance says where and how far ("running on web01:4711 60346/300000"),
// wider than the column until the table is fitted again: the text stays on one line.
#include "models/ItemRoles.h"
#include "views/ProgressDelegate.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QStandardItemModel>
#include <QStyleOptionViewItem>
#include <QTest>

using namespace jc;

namespace {

// Rows of the image with a pixel as dark as text (the bar's frame and groove are lighter).
QList<int> rowsWithText(const QImage &image)
{
    QList<int> rows;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qGray(image.pixel(x, y)) < 80) {
                rows.append(y);
                break;
            }
        }
    }
    return rows;
}

} // namespace

class tst_ProgressDelegate : public QObject
{
    Q_OBJECT

private slots:
    void aLongTextStaysOnOneLine()
    {
        QStandardItemModel model(1, 1);
        const QModelIndex index = model.index(0, 0);
        model.setData(index, QStringLiteral("running on web01.example.org:4711 60346/300000"));
        model.setData(index, QVariantList{qint64(0), qint64(300000)}, ItemRole::Progress);

        const QFontMetrics metrics(QApplication::font());
        const int height = metrics.height() + 8; // a row: one line and the bar's margins
        QImage image(140, height, QImage::Format_RGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        QStyleOptionViewItem option;
        option.rect = image.rect();
        option.fontMetrics = metrics;
        option.palette = QApplication::palette();
        option.state = QStyle::State_Enabled;
        ProgressDelegate delegate;
        delegate.paint(&painter, option, index);
        painter.end();

        const QList<int> rows = rowsWithText(image);
        QVERIFY2(!rows.isEmpty(), "no text drawn");
        // One line of text spans at most the font's height; a wrapped one runs over the bar.
        QVERIFY2(rows.last() - rows.first() < metrics.height(),
                 qPrintable(QStringLiteral("text on rows %1 to %2, a line is %3 high")
                                .arg(rows.first())
                                .arg(rows.last())
                                .arg(metrics.height())));
    }
};

QTEST_MAIN(tst_ProgressDelegate)
#include "tst_progressdelegate.moc"
