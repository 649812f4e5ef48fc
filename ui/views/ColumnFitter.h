#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

class QTableView;

namespace jc {

// Gives a table's columns the width of its viewport, so that nothing scrolls sideways:
//  - each column wants the width of its contents in view (at most `maximumChars` characters);
//  - when they all fit, the spare width goes to `spareTo` (nothing is cut off then);
//  - when they do not, the `giveWay` columns shrink first, in their order, down to their
//    header's width (they elide); only then do the others shrink, evenly.
// It fits when the viewport's width changes, when the contents change and when other rows
// scroll into view, until the user drags a column: that one keeps its width until the next
// resize. Columns are logical indexes (moving them changes nothing); hidden ones are left out.
//
// Thread: GUI thread. Child of the table it fits.
class ColumnFitter : public QObject
{
    Q_OBJECT
public:
    ColumnFitter(QTableView *table, QList<int> giveWay, int spareTo, int maximumChars = 48);

    // Fits now (also called by the events above).
    void fit();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QTableView *m_table;
    const QList<int> m_giveWay;
    const int m_spareTo;
    const int m_maximumChars;
    QWidget *m_viewport; // the table's, whose resizes are watched
    QTimer m_refit;
    int m_fittedWidth = -1;
    bool m_userSized = false;
    bool m_applying = false;
};

} // namespace jc
