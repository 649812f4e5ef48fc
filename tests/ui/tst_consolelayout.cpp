// The console's layout on the screens people have (issue 21, item 8), on an offscreen display
// with two screens: a laptop's 1024×768 and a wide 1600×1000 beside it.
//  - At 1024×768 the window fits the screen, and the jobs table shows Job, State, Last run and
//    Next run whole without scrolling sideways (Schedule and Last success give way).
//  - A 1600-pixel-wide window gives its spare width to what was cut off, not to Last success.
//  - A window saved larger than the screen it comes back on is made to fit it.
//  - Run details gives the log most of its height.
//  - At 900 px a status message gets room for a sentence; a longer one ends in "…".
// Both databases: the table shows stored runs of the built-in jobs.
#include "HistoryRows.h"
#include "MainWindowParts.h"
#include "TestDatabases.h"

#include "data/TimeDisplay.h"
#include "dialogs/RunDetailsDialog.h"
#include "engine/ManualClock.h"
#include "engine/SystemClock.h"
#include "jobs/JobCatalog.h"
#include "main/ConsoleStatusBar.h"
#include "main/MainWindow.h"
#include "models/JobTableModel.h"
#include "settings/ConsoleSettings.h"

#include <QApplication>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QScreen>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace jc;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 hour = 3'600'000;
const QDateTime now = QDateTime(QDate(2026, 12, 4), QTime(9, 30), QTimeZone::utc());

QScreen *screenNamed(const QString &name)
{
    for (QScreen *screen : QGuiApplication::screens())
        if (screen->name() == name)
            return screen;
    return nullptr;
}

// Whether `column`'s cells show their whole text (and icon): the width the delegate asks
// for fits the column.
QString cutOff(QTableView *table, int column)
{
    QStyleOptionViewItem option;
    option.initFrom(table);
    option.widget = table;
    const QAbstractItemModel *model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, column);
        const int wanted = table->itemDelegateForIndex(index)->sizeHint(option, index).width();
        if (wanted > table->columnWidth(column))
            return u"\"%1\" needs %2 px, has %3"_s.arg(index.data().toString())
                .arg(wanted)
                .arg(table->columnWidth(column));
    }
    return QString();
}

// A migrated database with a day of runs of each built-in job, and a watch-only console
// window over it, created on `screen`.
struct Console
{
    Console(SqlDialect dialect, ConsoleSettings *settings = nullptr)
        : history(dialect)
    {
        if (!history.isReady()) {
            error = history.error;
            return;
        }
        // Each job's last three occurrences ran and succeeded: no job is overdue.
        QList<test::RunRow> rows;
        for (const JobDefinition &job :
             JobCatalog::configuredJobs(history.factory, QTimeZone::utc())) {
            QList<QDateTime> occurrences;
            for (QDateTime at = job.schedule.next(now.addDays(-100)); at.isValid() && at <= now;
                 at = job.schedule.next(at))
                occurrences.append(at);
            for (qsizetype i = std::max<qsizetype>(0, occurrences.size() - 3);
                 i < occurrences.size(); ++i)
                rows.append({.job = job.name,
                             .status = u"succeeded"_s,
                             .startedMSecs = occurrences.at(i).toMSecsSinceEpoch(),
                             .durationMSecs = 2500});
        }
        error = test::insertRuns(history.db, rows);
        if (!error.isEmpty())
            return;
        ConsoleSetup setup;
        setup.database = history.factory;
        setup.databaseText = ConsoleStatusBar::describe(history.database.url());
        setup.clock = &clock;
        setup.jobs = JobCatalog::configuredJobs(history.factory, QTimeZone::utc());
        setup.zone = QTimeZone::utc();
        setup.settings = settings;
        setup.user = u"alice"_s;
        setup.refreshInterval = 100ms;
        window = std::make_unique<MainWindow>(setup);
    }

    // Shown, with the stored runs in the table.
    bool show()
    {
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return false;
        const JobTableModel *model = test::jobModel(*window);
        return QTest::qWaitFor(
            [model] {
                for (int row = 0; row < model->rowCount(); ++row)
                    if (!model->index(row, JobTableModel::LastRun)
                             .data()
                             .toString()
                             .contains(u"succeeded"_s))
                        return false;
                return model->rowCount() > 0;
            },
            10000);
    }

    test::HistoryDatabase history;
    ManualClock clock{now};
    std::unique_ptr<MainWindow> window;
    QString error;
};

} // namespace

class tst_ConsoleLayout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
        QVERIFY2(screenNamed(u"laptop"_s) && screenNamed(u"wide"_s),
                 "the offscreen screens were not configured");
    }

    void fitsALaptopScreen_data() { test::addDatabaseRowsWithMySql(); }
    void fitsALaptopScreen()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(c.show());
        const QRect screen = screenNamed(u"laptop"_s)->availableGeometry();
        QVERIFY2(screen.contains(c.window->frameGeometry()),
                 qPrintable(u"window %1x%2 at %3,%4"_s.arg(c.window->frameGeometry().width())
                                .arg(c.window->frameGeometry().height())
                                .arg(c.window->x())
                                .arg(c.window->y())));
        QTableView *table = test::jobTable(*c.window);
        // Wait for the fit that follows the data (at most half a second after it).
        QTRY_COMPARE_WITH_TIMEOUT(cutOff(table, JobTableModel::LastRun), QString(), 5000);
        for (const int column : {JobTableModel::Name, JobTableModel::State, JobTableModel::LastRun,
                                 JobTableModel::NextRun})
            QVERIFY2(cutOff(table, column).isEmpty(), qPrintable(cutOff(table, column)));
        QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
    }

    void spareWidthGoesToWhatWasCut_data() { test::addDatabaseRowsWithMySql(); }
    void spareWidthGoesToWhatWasCut()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(c.show());
        const QRect wide = screenNamed(u"wide"_s)->availableGeometry();
        c.window->setGeometry(wide.adjusted(8, 32, -8, -8));
        QTRY_COMPARE(c.window->screen()->name(), u"wide"_s);
        QTableView *table = test::jobTable(*c.window);
        QTRY_COMPARE_WITH_TIMEOUT(cutOff(table, JobTableModel::ScheduleColumn), QString(), 5000);
        for (int column = 0; column < JobTableModel::ColumnCount; ++column)
            QVERIFY2(cutOff(table, column).isEmpty(), qPrintable(cutOff(table, column)));
        // Last success is as wide as its text (rounded up to two characters), no wider.
        const int lastSuccess = table->columnWidth(JobTableModel::LastSuccess);
        const int wanted =
            std::max(table->horizontalHeader()->sectionSizeHint(JobTableModel::LastSuccess),
                     static_cast<const QAbstractItemView *>(table)->sizeHintForColumn(
                         JobTableModel::LastSuccess));
        QVERIFY2(
            lastSuccess <= wanted + 2 * table->fontMetrics().averageCharWidth(),
            qPrintable(u"Last success is %1 px for %2 px of text"_s.arg(lastSuccess).arg(wanted)));
        QCOMPARE(table->horizontalScrollBar()->maximum(), 0);
    }

    // A window kept from a session on a larger screen (or with a larger scale factor) comes
    // back on the laptop's screen: it is made to fit.
    void restoredGeometryFitsTheScreen_data() { test::addDatabaseRowsWithMySql(); }
    void restoredGeometryFitsTheScreen()
    {
        QFETCH(SqlDialect, dialect);
        QTemporaryDir home;
        ConsoleSettings settings(home.filePath(u"console.ini"_s));
        {
            QWidget big;
            big.setGeometry(40, 40, 2560, 1560);
            settings.setWindowGeometry(big.saveGeometry());
        }
        Console c(dialect, &settings);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(c.show());
        const QRect screen = c.window->screen()->availableGeometry();
        QVERIFY2(screen.contains(c.window->frameGeometry()),
                 qPrintable(u"window %1x%2 at %3,%4 on %5x%6"_s.arg(c.window->width())
                                .arg(c.window->height())
                                .arg(c.window->x())
                                .arg(c.window->y())
                                .arg(screen.width())
                                .arg(screen.height())));
    }

    // Run details: the fields above take little room; the log most of the dialog's height.
    // At 900×600 the jobs table shows every job without scrolling, and the panes below take
    // the rest: the splitter gave the table two fifths of the height (three of four rows, a
    // scroll bar) while History had room to spare.
    void aSmallWindowShowsEveryJob_data() { test::addDatabaseRowsWithMySql(); }
    void aSmallWindowShowsEveryJob()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        c.window->resize(900, 600);
        QVERIFY(c.show());
        QTableView *table = test::jobTable(*c.window);
        QVERIFY(table->model()->rowCount() >= 4);
        QTRY_COMPARE(table->verticalScrollBar()->maximum(), 0);
        const int lastRow = table->model()->rowCount() - 1;
        QVERIFY2(
            table->rowViewportPosition(lastRow) + table->rowHeight(lastRow) <=
                table->viewport()->height(),
            qPrintable(u"the last row ends at %1 px of %2"_s
                           .arg(table->rowViewportPosition(lastRow) + table->rowHeight(lastRow))
                           .arg(table->viewport()->height())));
        // Not much more than that: the rest is History's.
        QVERIFY2(
            table->viewport()->height() <
                table->rowViewportPosition(lastRow) + 3 * table->rowHeight(lastRow),
            qPrintable(u"the table is %1 px high for %2 rows"_s.arg(table->viewport()->height())
                           .arg(lastRow + 1)));
    }

    // Made smaller after it opened, the window still shows every job: the panes give the
    // height (a guard: this held already with the table's fitted height, stretch 0).
    void aWindowMadeSmallerStillShowsEveryJob_data() { test::addDatabaseRowsWithMySql(); }
    void aWindowMadeSmallerStillShowsEveryJob()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(c.show());
        QTableView *table = test::jobTable(*c.window);
        QTRY_COMPARE(table->verticalScrollBar()->maximum(), 0);
        c.window->resize(900, 560);
        QTRY_COMPARE(c.window->height(), 560);
        QTRY_COMPARE(table->verticalScrollBar()->maximum(), 0);
        const int lastRow = table->model()->rowCount() - 1;
        QVERIFY(table->rowViewportPosition(lastRow) + table->rowHeight(lastRow) <=
                table->viewport()->height());
    }

    // The chart's share of History, dragged by hand, comes back with the next session; the
    // jobs table's fitted height does not (it is fitted again to that window), while one
    // dragged by hand does. The History split was lost, and a fitted one was kept as if placed.
    void theSplitsPlacedByHandAreKept_data() { test::addDatabaseRowsWithMySql(); }
    void theSplitsPlacedByHandAreKept()
    {
        QFETCH(SqlDialect, dialect);
        QTemporaryDir home;
        ConsoleSettings settings(home.filePath(u"console.ini"_s));
        QList<int> chartSizes;
        {
            Console c(dialect, &settings);
            QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
            QVERIFY(c.show());
            auto *history = c.window->findChild<QSplitter *>(u"historySplitter"_s);
            QVERIFY(history && history->isVisible());
            const QList<int> before = history->sizes();
            QSplitterHandle *handle = history->handle(1);
            const QPoint grip(handle->width() / 2, handle->height() / 2);
            QTest::mousePress(handle, Qt::LeftButton, {}, grip);
            QTest::mouseMove(handle, grip + QPoint(0, 60));
            QTest::mouseRelease(handle, Qt::LeftButton, {}, grip + QPoint(0, 60));
            QTRY_VERIFY(history->sizes().constFirst() > before.constFirst() + 30);
            chartSizes = history->sizes();
            c.window->close();
        }
        {
            Console c(dialect, &settings);
            QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
            QVERIFY(c.show());
            auto *history = c.window->findChild<QSplitter *>(u"historySplitter"_s);
            QTRY_COMPARE(history->sizes(), chartSizes);
            QTableView *table = test::jobTable(*c.window);
            QTRY_COMPARE(table->verticalScrollBar()->maximum(), 0);
        }
    }

    // At 900 px the fields left a message a few words (beside a MariaDB URL, none): while one
    // shows, the fields right of the database give way until it has room for
    // MessageRoomChars; what is still longer ends in "…" with a gap before the database field
    // (no ink in it, as drawn), and shows whole in the tooltip. QStatusBar drew it up to 2 px
    // before the field and cut it mid-letter.
    void longStatusMessagesGetRoomAndAnEllipsis_data() { test::addDatabaseRowsWithMySql(); }
    void longStatusMessagesGetRoomAndAnEllipsis()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(c.show());
        c.window->resize(900, 600);
        ConsoleStatusBar *bar = test::consoleStatusBar(*c.window);
        const auto *database = bar->findChild<QLabel *>(u"databaseLabel"_s);
        const auto *updates = bar->findChild<QLabel *>(u"updatesLabel"_s);
        QTRY_VERIFY(database->x() + database->width() < 900);
        const QString message = u"\"Monthly Credit Top-Up\" ended succeeded at Dec 1 00:00:00 "
                                u"UTC (run 12345). MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM"_s;
        bar->showMessage(message);
        QCOMPARE(bar->toolTip(), message);
        const int room = ConsoleStatusBar::MessageRoomChars * bar->fontMetrics().averageCharWidth();
        QTRY_VERIFY2(bar->messageRect().width() >= room,
                     qPrintable(u"%1 px for the message"_s.arg(bar->messageRect().width())));
        QVERIFY(!updates->isVisible());
        QVERIFY2(bar->shownMessage().endsWith(u"…"_s), qPrintable(bar->shownMessage()));
        const QImage drawn = bar->grab().toImage();
        // Two characters' width before the field, less its frame: one colour, the panel's.
        const int from = database->x() - 2 * bar->fontMetrics().averageCharWidth();
        QSet<QRgb> colours;
        for (int x = from; x < database->x() - 3; ++x)
            for (int y = 0; y < drawn.height(); ++y)
                colours.insert(drawn.pixel(x, y));
        QVERIFY2(colours.size() == 1,
                 qPrintable(u"%1 colours in the gap at x %2..%3"_s.arg(colours.size())
                                .arg(from)
                                .arg(database->x() - 4)));
        bar->clearMessage();
        QCOMPARE(bar->toolTip(), QString());
        QVERIFY(updates->isVisible());
    }

    void runDetailsGivesTheLogItsHeight_data() { test::addDatabaseRowsWithMySql(); }
    void runDetailsGivesTheLogItsHeight()
    {
        OPEN_HISTORY_DATABASE();
        const QList<test::RunRow> rows{{.job = u"A"_s,
                                        .status = u"failed"_s,
                                        .error = u"Could not read the references: connection "
                                                 u"refused"_s}};
        INSERT_RUNS(rows);
        QSqlQuery id(h.db);
        QVERIFY(id.exec(u"SELECT MAX(id) FROM jc_runs"_s) && id.next());
        SystemClock clock;
        RunDetailsDialog dialog(h.reader.get(), id.value(0).toLongLong(), clock);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *error = dialog.findChild<QWidget *>(u"errorText"_s);
        QTRY_VERIFY(error->property("plainText").toString().startsWith(u"Could not"_s));
        auto *log = dialog.findChild<QTableWidget *>(u"logTable"_s);
        QTRY_VERIFY2(
            log->height() * 2 > dialog.height(),
            qPrintable(u"the log has %1 of %2 px"_s.arg(log->height()).arg(dialog.height())));
    }
};

int main(int argc, char *argv[])
{
    // Two screens side by side (the offscreen platform reads them from a file): a laptop's
    // and a wide one.
    QTemporaryDir dir;
    const QString config = dir.filePath(u"screens.json"_s);
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly) || file.write(R"({"screens": [
            {"name": "laptop", "x": 0, "y": 0, "width": 1024, "height": 768,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
            {"name": "wide", "x": 1024, "y": 0, "width": 1600, "height": 1000,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})") < 0)
        return 1;
    file.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toLocal8Bit());
    QApplication app(argc, argv);
    tst_ConsoleLayout test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_consolelayout.moc"
