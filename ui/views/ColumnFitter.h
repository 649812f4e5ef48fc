#pragma once

#include <QList>
#include <QObject>
#include <QTimer>

#include <map>

class QTableView;

namespace jc {

// Gives a table's columns the width of its viewport, so that nothing scrolls sideways:
//  - each column wants the width of its contents in view: at most `maximumChars` characters
//    for the `giveWay` columns, twice that for the others (which are to show whole: a pause's
//    reason and its end, a not-responding run's since-when and instance; the cap only stops a
//    pathological text from taking the whole table);
//  - while the viewport keeps its width, a column's wanted width only grows: a run's progress
//    ("running 9,000/300,000", then "running 10,000/300,000") does not make the columns jump
//    back and forth at every refresh. A new width of the viewport, or a new model, measures
//    anew;
//  - when they all fit, the spare width goes to `spareTo` (nothing is cut off then);
//  - when they do not, the `giveWay` columns shrink first, in their order, down to their
//    header's width (they elide); only then do the others, the widest first, to one common
//    width (short ones, such as a job's name, stay whole).
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
    static void shrinkWidest(std::map<int, int> &width, const std::map<int, int> &minimum,
                             int available);

    QTableView *m_table;
    const QList<int> m_giveWay;
    const int m_spareTo;
    const int m_maximumChars;
    QWidget *m_viewport; // the table's, whose resizes are watched
    QTimer m_refit;
    int m_fittedWidth = -1;
    std::map<int, int> m_wanted; // logical column -> the most it wanted since the last resize
    bool m_userSized = false;
    bool m_applying = false;
};

} // namespace jc
