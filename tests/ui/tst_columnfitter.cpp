// ColumnFitter on a plain table, offscreen: which columns show whole, and columns that stay put
// while a cell's text changes length (a run's progress, refreshed twice a second).
#include "views/ColumnFitter.h"

#include <QApplication>
#include <QHeaderView>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

using namespace jc;
using namespace Qt::StringLiterals;

namespace {

enum Column { Name, State, Schedule, Next };

struct Table
{
    Table()
    {
        model.setHorizontalHeaderLabels({u"Job"_s, u"State"_s, u"Schedule"_s, u"Next run"_s});
        model.appendRow({new QStandardItem(u"Monthly Credit Top-Up"_s),
                         new QStandardItem(u"idle"_s),
                         new QStandardItem(u"at 00:00 on day 1 of the month (UTC)"_s),
                         new QStandardItem(u"Jan 1 00:00:00 UTC (in 25 d 2 h)"_s)});
        view.setModel(&model);
        fitter = new ColumnFitter(&view, {Schedule}, Schedule);
        view.resize(1200, 300);
        view.show();
    }

    // How many pixels the column lacks to show its cell whole, as its delegate asks (0: none).
    int lacking(int column) const
    {
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.widget = &view;
        const QModelIndex index = model.index(0, column);
        const int wanted = view.itemDelegateForIndex(index)->sizeHint(option, index).width();
        return std::max(0, wanted - view.columnWidth(column));
    }

    QStandardItemModel model;
    QTableView view;
    ColumnFitter *fitter = nullptr;
};

} // namespace

class tst_ColumnFitter : public QObject
{
    Q_OBJECT

private slots:
    // A pause's reason and end are the State column's text: when the table has the room, it
    // shows whole, though longer than what the columns that give way may take (48 characters).
    void aLongStateShowsWholeWhenThereIsRoom()
    {
        Table t;
        QVERIFY(QTest::qWaitForWindowExposed(&t.view));
        t.model.item(0, State)->setText(
            u"paused: maintenance window of the payment provider (until Dec 6 17:23 UTC)"_s);
        t.fitter->fit();
        QCOMPARE(t.lacking(State), 0);
        QCOMPARE(t.lacking(Schedule), 0);
    }

    // A run's progress changes the State text's length at every refresh: the column does not
    // narrow and widen with it. A new width of the table measures anew.
    void columnsStayPutWhileATextChangesLength()
    {
        Table t;
        QVERIFY(QTest::qWaitForWindowExposed(&t.view));
        t.model.item(0, State)->setText(u"running on server-2 100,000/300,000"_s);
        t.fitter->fit();
        const int wide = t.view.columnWidth(State);
        QCOMPARE(t.lacking(State), 0);
        t.model.item(0, State)->setText(u"running 9/300,000"_s);
        t.fitter->fit(); // as the refit that follows a change of contents does
        QCOMPARE(t.view.columnWidth(State), wide);
        t.view.resize(1100, 300); // measured anew
        QTRY_VERIFY(t.view.columnWidth(State) < wide);
    }

    // Too narrow for every column whole even after the schedule gave way (900 px, a long
    // pause and an overdue job's next run): the longest texts shrink first, to a common
    // width, and a job's name stays whole. Each column gave the same number of pixels, which
    // cut "Monthly Credit Top-Up" to "Monthl…".
    void theLongestTextsGiveWayBeforeTheJobsName()
    {
        Table t;
        QVERIFY(QTest::qWaitForWindowExposed(&t.view));
        t.model.item(0, State)->setText(u"paused: maintenance window (until Dec 7 04:05:27 UTC)"_s);
        t.model.item(0, Next)->setText(
            u"overdue since Dec 1 00:00:00 UTC · next Jan 1 00:00:00 UTC (in 25 d 2 h)"_s);
        t.view.resize(t.view.fontMetrics().averageCharWidth() * 90, 300);
        QTRY_COMPARE(t.view.horizontalHeader()->length(), t.view.viewport()->width());
        t.fitter->fit();
        QCOMPARE(t.lacking(Name), 0);
        QVERIFY(t.lacking(State) > 0 && t.lacking(Next) > 0);
        // The two long ones elide alike: neither keeps more than its share.
        QVERIFY2(std::abs(t.view.columnWidth(State) - t.view.columnWidth(Next)) <= 1,
                 qPrintable(u"State %1 px, Next run %2 px"_s.arg(t.view.columnWidth(State))
                                .arg(t.view.columnWidth(Next))));
    }
};

QTEST_MAIN(tst_ColumnFitter)
#include "tst_columnfitter.moc"
