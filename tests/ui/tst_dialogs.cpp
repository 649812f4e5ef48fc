// The console's dialogs, offscreen: each constructs, its accessors follow edits, and the
// rules it keeps hold (a past resume time is refused, the DST gap is explained, run details
// follow a live run on both databases, a job setting out of range blocks OK, a report-only
// one only warns).
#include "ChildProcess.h"
#include "TestDatabases.h"
#include "UiInput.h"

#include "data/DatabaseReader.h"
#include "dialogs/BackfillDialog.h"
#include "dialogs/PauseDialog.h"
#include "dialogs/RunDetailsDialog.h"
#include "dialogs/RunNowDialog.h"
#include "dialogs/SchedulePreviewDialog.h"
#include "dialogs/SettingsDialog.h"
#include "engine/ManualClock.h"
#include "engine/SystemClock.h"
#include "jobs/AlertRules.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "settings/ConsoleSettings.h"
#include "settings/DatabaseUrlText.h"
#include "settings/PasswordVault.h"
#include "storage/Migrator.h"
#include "storage/SqlRunJournal.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSqlError>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

using namespace jc;
using namespace jc::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

template <typename T> T *child(QObject *parent, const QString &name)
{
    T *found = parent->findChild<T *>(name);
    if (!found)
        qFatal("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return found;
}

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

Schedule schedule(const QString &text, const char *zone)
{
    auto parsed = Schedule::parse(text, QTimeZone(zone));
    if (!parsed)
        qFatal("schedule %s does not parse", qPrintable(text));
    return parsed.value();
}

// Replaces a spin box's text as typing would (the value may be out of range: that is the
// point), so that its textChanged fires.
void typeInto(QSpinBox *spin, const QString &text)
{
    retype(spin->findChild<QLineEdit *>(), text);
}

void click(QWidget *widget)
{
    QTest::mouseClick(widget, Qt::LeftButton);
}

// The Settings dialog's section of the built-in job `name` on its defaults (UTC); empty specs
// when there is no such job.
JobSettingsSection builtInSection(const QString &name)
{
    for (const JobDefinition &job : JobCatalog::builtInJobs(nullptr, QTimeZone("UTC"))) {
        if (job.name == name)
            return {name, JobOverrides::settingSpecs(job), {}};
    }
    return {name, {}, {}};
}

// Clicks the button `answer` of the next question box as soon as it is up (inside its
// exec()); `asked` gets its text, or stays empty when none came.
void answerNextQuestion(const QString &answer, QString *asked)
{
    QTimer::singleShot(0, [answer, asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *asked = box->text();
        for (QAbstractButton *button : box->buttons()) {
            if (button->text().remove(u'&') == answer)
                QTest::mouseClick(button, Qt::LeftButton);
        }
    });
}

QList<LogLine> logLines(const QStringList &messages, qint64 at)
{
    QList<LogLine> lines;
    for (const QString &message : messages)
        lines.append({at, LogLevel::Info, message, {{u"users"_s, message.size()}}});
    return lines;
}

// A database with the app's tables, its journal and a reader, for one test row.
struct RunFixture
{
    explicit RunFixture(SqlDialect dialect)
        : database(dialect)
    {
        if (!database.isReady())
            return;
        factory = std::make_shared<ConnectionFactory>(database.url());
        auto connection = factory->connectionForCurrentThread();
        ready = connection && Migrator().migrate(connection.value()).hasValue();
        journal = std::make_unique<SqlRunJournal>(factory);
        reader = std::make_unique<DatabaseReader>(factory);
    }

    qint64 claim(const QString &job, qint64 now)
    {
        RunInfo run;
        run.job = job;
        run.trigger = RunTrigger::Manual;
        run.occurrence = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        run.requestedBy = u"alice"_s;
        run.reason = u"month-end check"_s;
        const auto claim = journal->claim(
            {run, RunJournal::occurrenceKey(run), OverlapPolicy::Skip, now, 60000, u"a"_s, {}});
        return claim.status == RunJournal::Claim::Status::Claimed ? claim.storedRunId : 0;
    }

    test::TestDatabase database;
    bool ready = false;
    std::shared_ptr<ConnectionFactory> factory;
    std::unique_ptr<SqlRunJournal> journal;
    std::unique_ptr<DatabaseReader> reader;
};

// The instant the dialogs' "now" stands at.
QDateTime anInstant()
{
    return QDateTime(QDate(2026, 11, 20), QTime(9, 30), QTimeZone::utc());
}

} // namespace

class tst_Dialogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    void runNowAsksForReasonAndDryRun()
    {
        RunNowDialog dialog(u"Top-Up"_s, schedule(u"0 0 1 * *"_s, "UTC"), anInstant(), true,
                            OverlapPolicy::Queue, nullptr);
        dialog.show();
        auto *warning = child<QLabel>(&dialog, u"overlapWarning"_s);
        QVERIFY(warning->isVisible());
        QVERIFY2(warning->text().contains(u"start after the current one ends"_s),
                 qPrintable(warning->text()));
        QVERIFY(!dialog.dryRun());
        QVERIFY(dialog.reason().isEmpty());
        QTest::keyClicks(child<QLineEdit>(&dialog, u"reasonEdit"_s), u"  re-run after fix "_s);
        clickBox(child<QCheckBox>(&dialog, u"dryRunCheck"_s));
        QCOMPARE(dialog.reason(), u"re-run after fix"_s);
        QVERIFY(dialog.dryRun());
        auto *run = child<QPushButton>(&dialog, u"runButton"_s);
        QCOMPARE(run->text(), u"Dry run now"_s);
        click(run);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.isVisible());
    }

    // Enter runs (Run is the default button, not Cancel); Escape cancels.
    void runNowAnswersEnterAndEscape()
    {
        for (const Qt::Key key : {Qt::Key_Return, Qt::Key_Escape}) {
            RunNowDialog dialog(u"Top-Up"_s, Schedule(), anInstant(), false, OverlapPolicy::Skip,
                                nullptr);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            auto *reason = child<QLineEdit>(&dialog, u"reasonEdit"_s);
            QTRY_VERIFY(reason->hasFocus());
            QTest::keyClicks(reason, u"check"_s);
            QTest::keyClick(reason, key);
            QCOMPARE(dialog.result(),
                     int(key == Qt::Key_Return ? QDialog::Accepted : QDialog::Rejected));
            QVERIFY(!dialog.isVisible());
        }
    }

    void runNowWarnsOnlyWhenRunning_data()
    {
        QTest::addColumn<bool>("running");
        QTest::addColumn<OverlapPolicy>("policy");
        QTest::addColumn<QString>("says");
        QTest::newRow("idle") << false << OverlapPolicy::Skip << QString();
        QTest::newRow("skip") << true << OverlapPolicy::Skip << u"will not start"_s;
        QTest::newRow("queue") << true << OverlapPolicy::Queue << u"after the current"_s;
        QTest::newRow("parallel") << true << OverlapPolicy::Parallel << u"beside"_s;
    }
    void runNowWarnsOnlyWhenRunning()
    {
        QFETCH(bool, running);
        QFETCH(OverlapPolicy, policy);
        QFETCH(QString, says);
        RunNowDialog dialog(u"Top-Up"_s, Schedule(), anInstant(), running, policy, nullptr);
        dialog.show();
        auto *warning = child<QLabel>(&dialog, u"overlapWarning"_s);
        QCOMPARE(warning->isVisible(), running);
        if (running)
            QVERIFY2(warning->text().contains(says), qPrintable(warning->text()));
    }

    void runNowAndPauseMnemonicsDoNotClash()
    {
        RunNowDialog run(u"Top-Up"_s, schedule(u"0 0 1 * *"_s, "UTC"), anInstant(), true,
                         OverlapPolicy::Queue, nullptr);
        run.show();
        QCOMPARE(clashingMnemonics(&run), QStringList());
        ManualClock clock(anInstant());
        PauseDialog pause(u"Top-Up"_s, clock, nullptr);
        pause.show();
        QCOMPARE(clashingMnemonics(&pause), QStringList());
    }

    // The top-up's latest 24 occurrences in its zone, newest first; picked with the keyboard
    // and the mouse; the sentence says which month the backfill grants.
    void backfillListsTheLatestOccurrencesInTheJobsZone()
    {
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        BackfillDialog dialog(job, schedule(u"0 0 1 * *"_s, "Pacific/Auckland"),
                              utc("2026-12-15T00:00:00Z"), false, OverlapPolicy::Skip, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(child<QLabel>(&dialog, u"scheduleLabel"_s)->text().contains(u"Pacific/Auckland"_s));
        QVERIFY(!child<QLabel>(&dialog, u"overlapWarning"_s)->isVisible());
        auto *list = child<QListWidget>(&dialog, u"occurrenceList"_s);
        QCOMPARE(list->count(), BackfillDialog::listedOccurrences);
        QCOMPARE(list->item(0)->text(), u"Tue 1 Dec 2026 00:00 NZDT (+13:00)"_s);
        QCOMPARE(list->item(6)->text(), u"Mon 1 Jun 2026 00:00 NZST (+12:00)"_s);
        QCOMPARE(list->item(23)->text(), u"Wed 1 Jan 2025 00:00 NZDT (+13:00)"_s);
        QCOMPARE(list->currentRow(), 0);
        QCOMPARE(dialog.occurrence(), utc("2026-11-30T11:00:00Z"));
        auto *effect = child<QLabel>(&dialog, u"backfillEffect"_s);
        QVERIFY2(effect->text().contains(u"grants that month (2026-12)"_s) &&
                     effect->text().contains(u"nobody is topped up twice"_s),
                 qPrintable(effect->text()));

        QTRY_VERIFY(list->hasFocus());
        QTest::keyClick(list, Qt::Key_Down);
        QCOMPARE(dialog.occurrence(), utc("2026-10-31T11:00:00Z"));
        QCOMPARE(child<QDateTimeEdit>(&dialog, u"occurrenceEdit"_s)->text(), u"2026-11-01 00:00"_s);
        QVERIFY2(effect->text().contains(u"(2026-11)"_s), qPrintable(effect->text()));
        clickIndex(list, list->model()->index(3, 0));
        QCOMPARE(dialog.occurrence(), utc("2026-08-31T12:00:00Z")); // 1 Sep, NZST

        QTest::keyClicks(child<QLineEdit>(&dialog, u"reasonEdit"_s), u"missed September"_s);
        clickBox(child<QCheckBox>(&dialog, u"dryRunCheck"_s));
        auto *run = child<QPushButton>(&dialog, u"runButton"_s);
        QCOMPARE(run->text(), u"Dry run backfill"_s);
        click(run);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.reason(), u"missed September"_s);
        QVERIFY(dialog.dryRun());
        QCOMPARE(dialog.occurrence(), utc("2026-08-31T12:00:00Z"));
        QCOMPARE(clashingMnemonics(&dialog), QStringList());
    }

    // A typed time must be a past occurrence: otherwise the dialog names the nearest ones
    // (core's words) and Run stays off; one older than the list is fine.
    void backfillTypedTimeMustBeAPastOccurrence()
    {
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        BackfillDialog dialog(job, schedule(u"0 0 1 * *"_s, "Pacific/Auckland"),
                              utc("2026-12-15T00:00:00Z"), true, OverlapPolicy::Skip, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(child<QLabel>(&dialog, u"overlapWarning"_s)->isVisible());
        auto *list = child<QListWidget>(&dialog, u"occurrenceList"_s);
        auto *field = child<QDateTimeEdit>(&dialog, u"occurrenceEdit"_s);
        auto *problem = child<QLabel>(&dialog, u"occurrenceProblem"_s);
        auto *run = child<QPushButton>(&dialog, u"runButton"_s);

        typeDate(field, QDateTime(QDate(2026, 12, 1), QTime(1, 0)));
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().contains(u"is not an occurrence"_s) &&
                     problem->text().contains(u"2026-12-01T00:00:00+13:00"_s) &&
                     problem->text().contains(u"2027-01-01T00:00:00+13:00"_s),
                 qPrintable(problem->text()));
        QVERIFY(!run->isEnabled());
        QVERIFY(!dialog.occurrence().isValid());
        QCOMPARE(list->currentRow(), -1);
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(dialog.isVisible());

        typeDate(field, QDateTime(QDate(2027, 1, 1), QTime(0, 0)));
        QVERIFY2(problem->text().contains(u"has not come yet"_s),
                 qPrintable(problem->text() + u" / "_s + field->text()));
        QVERIFY(!run->isEnabled());

        typeDate(field, QDateTime(QDate(2026, 6, 1), QTime(0, 0)));
        QVERIFY(!problem->isVisible());
        QCOMPARE(list->currentRow(), 6);
        typeDate(field, QDateTime(QDate(2024, 6, 1), QTime(0, 0)));
        QVERIFY(!problem->isVisible());
        QCOMPARE(list->currentRow(), -1); // older than the list
        QCOMPARE(dialog.occurrence(), utc("2024-05-31T12:00:00Z"));
        QVERIFY2(child<QLabel>(&dialog, u"backfillEffect"_s)->text().contains(u"(2024-06)"_s),
                 qPrintable(child<QLabel>(&dialog, u"backfillEffect"_s)->text()));
        QVERIFY(run->isEnabled());
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    // A wall time in the autumn's repeated hour stands for two instants; the occurrence is
    // the one the schedule fires at (the first, CEST), whichever Qt reads the field as.
    void backfillFindsTheOccurrenceInTheRepeatedHour()
    {
        BackfillDialog dialog(u"Nightly"_s, schedule(u"30 2 * * *"_s, "Europe/Berlin"),
                              utc("2026-10-27T12:00:00Z"), false, OverlapPolicy::Skip, nullptr);
        dialog.show();
        auto *list = child<QListWidget>(&dialog, u"occurrenceList"_s);
        QCOMPARE(list->item(2)->text(), u"Sun 25 Oct 2026 02:30 CEST (+02:00)"_s);
        typeDate(child<QDateTimeEdit>(&dialog, u"occurrenceEdit"_s),
                 QDateTime(QDate(2026, 10, 25), QTime(2, 30)));
        QVERIFY2(dialog.occurrence().isValid(),
                 qPrintable(child<QLabel>(&dialog, u"occurrenceProblem"_s)->text()));
        QCOMPARE(list->currentItem()->text().left(21), u"Sun 25 Oct 2026 02:30"_s);
        QCOMPARE(dialog.occurrence(), list->currentItem()->data(Qt::UserRole).toDateTime().toUTC());
    }

    void pauseTakesReasonAndFutureResumeTime()
    {
        ManualClock clock(anInstant()); // the console's clock, not the wall clock
        PauseDialog dialog(u"Top-Up"_s, clock, nullptr);
        dialog.show();
        QVERIFY(!dialog.resumeAt());
        QTest::keyClicks(child<QLineEdit>(&dialog, u"reasonEdit"_s), u"maintenance"_s);
        QCOMPARE(dialog.reason(), u"maintenance"_s);
        clickBox(child<QCheckBox>(&dialog, u"resumeCheck"_s));
        auto *edit = child<QDateTimeEdit>(&dialog, u"resumeAtEdit"_s);
        QVERIFY(edit->isEnabled());
        const QDateTime inTwoDays = anInstant().addDays(2);
        typeDate(edit, inTwoDays.toLocalTime());
        QVERIFY(dialog.resumeAt());
        QVERIFY2(qAbs(dialog.resumeAt()->secsTo(inTwoDays)) < 60,
                 qPrintable(dialog.resumeAt()->toString(Qt::ISODate)));
        QCOMPARE(dialog.resumeAt()->timeSpec(), Qt::UTC);
        QVERIFY(!child<QLabel>(&dialog, u"resumeError"_s)->isVisible());
        auto *pause = child<QPushButton>(&dialog, u"pauseButton"_s);
        QVERIFY(pause->isEnabled());
        click(pause);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void pauseRefusesAPastResumeTime()
    {
        ManualClock clock(anInstant());
        PauseDialog dialog(u"Top-Up"_s, clock, nullptr);
        dialog.show();
        clickBox(child<QCheckBox>(&dialog, u"resumeCheck"_s));
        auto *edit = child<QDateTimeEdit>(&dialog, u"resumeAtEdit"_s);
        typeDate(edit, anInstant().addSecs(-3600).toLocalTime());
        auto *error = child<QLabel>(&dialog, u"resumeError"_s);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(u"has passed"_s), qPrintable(error->text()));
        auto *pause = child<QPushButton>(&dialog, u"pauseButton"_s);
        QVERIFY(!pause->isEnabled());
        click(pause);
        QTest::keyClick(edit, Qt::Key_Return); // Enter does not get past it either
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.isVisible());

        // Unticking the box removes the problem: paused until resumed by hand.
        clickBox(child<QCheckBox>(&dialog, u"resumeCheck"_s));
        QVERIFY(!error->isVisible());
        QVERIFY(pause->isEnabled());

        // A time still ahead when typed that passes while the dialog is open, by the console's
        // clock: Pause refuses it then.
        clickBox(child<QCheckBox>(&dialog, u"resumeCheck"_s));
        typeDate(edit, anInstant().addSecs(3600).toLocalTime());
        QVERIFY(!error->isVisible());
        QVERIFY(pause->isEnabled());
        clock.advance(2h);
        click(pause);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(u"has passed"_s), qPrintable(error->text()));
    }

    void schedulePreviewMarksTheSpringGap()
    {
        SchedulePreviewDialog dialog(u"Nightly"_s, schedule(u"30 2 * * *"_s, "Europe/Berlin"),
                                     utc("2026-03-28T12:00:00Z"), nullptr);
        auto *table = child<QTableWidget>(&dialog, u"occurrenceTable"_s);
        QCOMPARE(table->rowCount(), 10);
        const auto text = [table](int row, int column) { return table->item(row, column)->text(); };
        // Sunday 29 March: 02:30 does not exist in Berlin; the run is at 03:00 CEST.
        QVERIFY2(text(0, SchedulePreviewDialog::ScheduleZoneColumn).contains(u"2026-03-29 03:00"_s),
                 qPrintable(text(0, SchedulePreviewDialog::ScheduleZoneColumn)));
        QCOMPARE(text(0, SchedulePreviewDialog::OffsetColumn), u"+02:00"_s);
        const QString note = text(0, SchedulePreviewDialog::NoteColumn);
        QVERIFY2(note.contains(u"02:30 does not exist on this day: runs at 03:00"_s),
                 qPrintable(note));
        QVERIFY(!table->item(0, SchedulePreviewDialog::NoteColumn)->icon().isNull());
        // Monday: back to 02:30, same offset, nothing to mark.
        QVERIFY(text(1, SchedulePreviewDialog::ScheduleZoneColumn).contains(u"2026-03-30 02:30"_s));
        QCOMPARE(text(1, SchedulePreviewDialog::OffsetColumn), u"+02:00"_s);
        QVERIFY(text(1, SchedulePreviewDialog::NoteColumn).isEmpty());
        QVERIFY(table->item(1, SchedulePreviewDialog::NoteColumn)->icon().isNull());
        // The display zone (UTC in the tests) shows the instant too.
        QVERIFY(text(0, SchedulePreviewDialog::DisplayZoneColumn).contains(u"01:00"_s));
    }

    void schedulePreviewMarksTheAutumnOverlap()
    {
        SchedulePreviewDialog dialog(u"Nightly"_s, schedule(u"30 2 * * *"_s, "Europe/Berlin"),
                                     utc("2026-10-24T12:00:00Z"), nullptr);
        auto *table = child<QTableWidget>(&dialog, u"occurrenceTable"_s);
        const auto text = [table](int row, int column) { return table->item(row, column)->text(); };
        QCOMPARE(text(0, SchedulePreviewDialog::OffsetColumn), u"+02:00"_s);
        QVERIFY2(text(0, SchedulePreviewDialog::NoteColumn).contains(u"occurs twice"_s),
                 qPrintable(text(0, SchedulePreviewDialog::NoteColumn)));
        QCOMPARE(text(1, SchedulePreviewDialog::OffsetColumn), u"+01:00"_s);
        QVERIFY2(text(1, SchedulePreviewDialog::NoteColumn).contains(u"(was +02:00)"_s),
                 qPrintable(text(1, SchedulePreviewDialog::NoteColumn)));
        QVERIFY(text(2, SchedulePreviewDialog::NoteColumn).isEmpty());
    }

    void runDetailsShowsAStoredRun_data() { test::addDatabaseRowsWithMySql(); }
    void runDetailsShowsAStoredRun()
    {
        QFETCH(SqlDialect, dialect);
        RunFixture fixture(dialect);
        QVERIFY2(fixture.database.isReady(), qPrintable(fixture.database.error()));
        QVERIFY(fixture.ready);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 id = fixture.claim(u"Top-Up"_s, now - 5000);
        QVERIFY(id > 0);
        RunRecord record;
        record.info.job = u"Top-Up"_s;
        record.outcome = RunOutcome::Failed;
        record.finishedAt = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC);
        record.error = u"game API refused credits for user 42: HTTP 503"_s;
        record.summary = {
            {u"granted"_s, 17},
            {u"failed"_s, 1},
            {u"usersScanned"_s, 300000},
            {u"byLimit"_s,
             QJsonObject{{u"10"_s, QJsonObject{{u"credits"_s, 186}, {u"users"_s, 36}}},
                         {u"25"_s, QJsonObject{{u"credits"_s, 50}, {u"users"_s, 2}}}}}};
        const auto finished = fixture.journal->finish(
            id, record, logLines({u"Granting credits"_s, u"Request failed"_s}, now - 1000), 0);
        QVERIFY2(finished, qPrintable(finished ? QString() : finished.error()));

        SystemClock clock; // the runs are stored at the wall clock's time
        RunDetailsDialog dialog(fixture.reader.get(), id, clock, nullptr);
        QTRY_COMPARE(child<QLabel>(&dialog, u"statusValue"_s)->text(), u"failed"_s);
        QCOMPARE(child<QPlainTextEdit>(&dialog, u"errorText"_s)->toPlainText(), record.error);
        QCOMPARE(child<QLabel>(&dialog, u"requestedByValue"_s)->text(), u"alice"_s);
        QCOMPARE(child<QLabel>(&dialog, u"reasonValue"_s)->text(), u"month-end check"_s);
        QCOMPARE(child<QLabel>(&dialog, u"triggerValue"_s)->text(), u"manual"_s);
        auto *summary = child<QTableWidget>(&dialog, u"summaryTable"_s);
        QCOMPARE(summary->rowCount(), 4);
        // Counters read as words, numbers grouped (it showed {"10":{"credits":186,...}}).
        QHash<QString, QString> values;
        for (int row = 0; row < summary->rowCount(); ++row)
            values.insert(summary->item(row, 0)->text(), summary->item(row, 1)->text());
        QCOMPARE(values.value(u"byLimit"_s),
                 u"10: credits 186, users 36; 25: credits 50, users 2"_s);
        QCOMPARE(values.value(u"usersScanned"_s), u"300,000"_s);
        auto *log = child<QTableWidget>(&dialog, u"logTable"_s);
        QTRY_COMPARE(log->rowCount(), 2);
        QCOMPARE(log->item(1, 2)->text(), u"Request failed"_s);
        QCOMPARE(log->item(1, 3)->text(), u"users=14"_s);
        QVERIFY(!dialog.isFollowing());

        dialog.show();
        click(child<QPushButton>(&dialog, u"copyButton"_s));
        const QString copied = QApplication::clipboard()->text();
        QVERIFY2(copied.contains(record.error), qPrintable(copied));
        QVERIFY(copied.contains(u"Request failed users=14"_s));
        QVERIFY(copied.contains(u"granted: 17"_s));
    }

    void runDetailsFollowsARunningRun_data() { test::addDatabaseRowsWithMySql(); }
    void runDetailsFollowsARunningRun()
    {
        QFETCH(SqlDialect, dialect);
        RunFixture fixture(dialect);
        QVERIFY2(fixture.database.isReady(), qPrintable(fixture.database.error()));
        QVERIFY(fixture.ready);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 id = fixture.claim(u"Top-Up"_s, now);
        QVERIFY(id > 0);
        RunJournal::LiveRun live{id, {}, logLines({u"one"_s, u"two"_s}, now), 0};
        QVERIFY(fixture.journal->heartbeat({live}, now + 10, u"a"_s));

        SystemClock clock; // the runs are stored at the wall clock's time
        RunDetailsDialog dialog(fixture.reader.get(), id, clock, nullptr);
        dialog.setPollInterval(50ms);
        auto *log = child<QTableWidget>(&dialog, u"logTable"_s);
        QTRY_COMPARE(log->rowCount(), 2);
        QTRY_VERIFY(dialog.isFollowing());
        QCOMPARE(child<QLabel>(&dialog, u"statusValue"_s)->text(), u"running"_s);

        live.newLogLines = logLines({u"three"_s}, now + 20);
        live.firstLogSeq = 2;
        QVERIFY(fixture.journal->heartbeat({live}, now + 30, u"a"_s));
        QTRY_COMPARE(log->rowCount(), 3);
        QCOMPARE(log->item(2, 2)->text(), u"three"_s);

        RunRecord record;
        record.info.job = u"Top-Up"_s;
        record.outcome = RunOutcome::Succeeded;
        record.finishedAt = QDateTime::fromMSecsSinceEpoch(now + 40, Qt::UTC);
        QVERIFY(fixture.journal->finish(id, record, logLines({u"done"_s}, now + 40), 3));
        QTRY_COMPARE(child<QLabel>(&dialog, u"statusValue"_s)->text(), u"succeeded"_s);
        QTRY_COMPARE(log->rowCount(), 4); // the line written when it finished
        QVERIFY(!dialog.isFollowing());
        QCOMPARE(child<QLabel>(&dialog, u"durationValue"_s)->text(), u"0.0 s"_s);
    }

    // The process holding the run is killed: the details stop saying "in progress: its log
    // follows live" and "so far", and say since when nobody answers and why (found clicking
    // through the console: a killed `jobctl run` still read as a live run here).
    void runDetailsOfAKilledRunSaySo_data() { test::addDatabaseRowsWithMySql(); }
    void runDetailsOfAKilledRunSaySo()
    {
        QFETCH(SqlDialect, dialect);
        RunFixture fixture(dialect);
        QVERIFY2(fixture.database.isReady(), qPrintable(fixture.database.error()));
        QVERIFY(fixture.ready);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 id = fixture.claim(u"Top-Up"_s, now - 30'000);
        QVERIFY(id > 0);
        test::ChildProcess holder(u"sleep"_s, {u"600"_s});
        QVERIFY2(!holder.holder().isEmpty(), "this host's /proc cannot tell who holds a run");
        QSqlQuery held(fixture.factory->connectionForCurrentThread().value());
        QVERIFY(held.prepare(u"UPDATE jc_runs SET holder = ?, heartbeat_at_ms = ? WHERE id = ?"_s));
        held.addBindValue(holder.holder());
        held.addBindValue(now - 20'000);
        held.addBindValue(id);
        QVERIFY2(held.exec(), qPrintable(held.lastError().text()));

        SystemClock clock;
        RunDetailsDialog dialog(fixture.reader.get(), id, clock, nullptr);
        dialog.setPollInterval(50ms);
        auto *status = child<QLabel>(&dialog, u"statusValue"_s);
        auto *follow = child<QLabel>(&dialog, u"followLabel"_s);
        QTRY_COMPARE(status->text(), u"running"_s);
        QCOMPARE(follow->text(), u"The run is in progress: its log follows live."_s);

        holder.signal(SIGKILL);
        QVERIFY(holder.waitForExit(10000));
        QTRY_VERIFY2(status->text().startsWith(u"running, not responding since "_s),
                     qPrintable(status->text()));
        QVERIFY2(follow->text().contains(u"is gone"_s) &&
                     follow->text().contains(u"records it as interrupted"_s),
                 qPrintable(follow->text()));
        QCOMPARE(child<QLabel>(&dialog, u"durationValue"_s)->text(),
                 u"10.0 s until it stopped responding"_s);
        QVERIFY(dialog.isFollowing()); // a scheduler may still record how it ended
    }

    void settingsRejectsAnOutOfRangeInteger()
    {
        ConsoleSettings settings(m_home.filePath(u"jobs.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        SettingSpec batch{u"batchSize"_s,
                          u"Batch size"_s,
                          u"TOPUP_BATCH"_s,
                          SettingSpec::Kind::Integer,
                          500,
                          1,
                          1000,
                          u"users per transaction"_s,
                          {}};
        SettingSpec url{u"apiUrl"_s, u"Game API"_s,
                        {},          SettingSpec::Kind::Url,
                        QString(),   0,
                        0,           u"where credits are granted"_s,
                        {}};
        JobSettingsSection topUp{
            u"Top-Up"_s, {batch, url}, QJsonObject{{u"schedule"_s, u"0 3 1 * *"_s}}};
        SettingsDialog dialog(settings, vault, {topUp}, nullptr);
        dialog.show();
        QVERIFY(dialog.isOkEnabled());
        QVERIFY(dialog.changedJobSettings().isEmpty());

        auto *spin = child<QSpinBox>(&dialog, u"setting:Top-Up:batchSize"_s);
        QCOMPARE(spin->value(), 500);
        QVERIFY(spin->toolTip().contains(u"TOPUP_BATCH"_s));
        typeInto(spin, u"0"_s);
        auto *problem = child<QLabel>(&dialog, u"problem:Top-Up:batchSize"_s);
        QVERIFY(!dialog.isOkEnabled());
        QVERIFY(!problem->isHidden()); // on the Jobs tab, not the current one
        QVERIFY2(problem->text().contains(u"Batch size (batchSize)"_s),
                 qPrintable(problem->text()));
        QVERIFY2(problem->text().contains(u"from 1 to 1000"_s), qPrintable(problem->text()));

        typeInto(spin, u"250"_s);
        QVERIFY(dialog.isOkEnabled());
        QVERIFY(problem->isHidden());

        auto *api = child<QLineEdit>(&dialog, u"setting:Top-Up:apiUrl"_s);
        QTest::keyClicks(api, u"ftp://x"_s);
        QVERIFY(!dialog.isOkEnabled());
        retype(api, u"https://game.example.org"_s);
        QVERIFY(dialog.isOkEnabled());

        const auto changed = dialog.changedJobSettings();
        QCOMPARE(changed.size(), 1);
        const QJsonObject expected{{u"schedule"_s, u"0 3 1 * *"_s},
                                   {u"batchSize"_s, 250},
                                   {u"apiUrl"_s, u"https://game.example.org"_s}};
        QCOMPARE(changed.value(u"Top-Up"_s), expected);

        typeInto(spin, u"500"_s); // back to the default: no longer stored
        retype(api, QString());
        QVERIFY(dialog.changedJobSettings().isEmpty());
    }

    // Editing a job's schedule or zone shows, before saving, the next runs before and after
    // side by side, daylight saving's moves marked, and what the change does within a day.
    // Typed with real key events, on the eve of Berlin's spring change.
    void settingsPreviewsAScheduleChange()
    {
        ConsoleSettings settings(m_home.filePath(u"jobs.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = u"Stale Credit Purchase Cleanup"_s;
        const auto builtIn = JobCatalog::builtInJobs(nullptr, QTimeZone("UTC"));
        const auto cleanup = std::find_if(builtIn.cbegin(), builtIn.cend(),
                                          [&](const JobDefinition &d) { return d.name == job; });
        QVERIFY(cleanup != builtIn.cend());
        QCOMPARE(cleanup->schedule.text(), u"daily"_s);
        SettingsDialog dialog(settings, vault, {{job, JobOverrides::settingSpecs(*cleanup), {}}},
                              nullptr);
        dialog.setNow(QDateTime(QDate(2027, 3, 27), QTime(12, 0), Qt::UTC));
        dialog.show();
        auto *preview = child<QLabel>(&dialog, u"schedulePreview:"_s + job);
        QVERIFY(preview->isHidden());

        retype(child<QLineEdit>(&dialog, u"setting:"_s + job + u":schedule"_s), u"30 2 * * *"_s);
        auto *zone = child<QLineEdit>(&dialog, u"setting:"_s + job + u":timeZone"_s);
        retype(zone, u"Europe/Berlin"_s);
        QVERIFY(!preview->isHidden());
        const QString text = preview->text();
        QVERIFY2(text.contains(u"2027-03-28T00:00:00+00:00     2027-03-28T03:00:00+02:00 *"_s),
                 qPrintable(text));
        QVERIFY2(text.contains(u"  * 2027-03-28T03:00:00+02:00: "_s), qPrintable(text));
        QVERIFY2(text.contains(u"Within the next 24 h this change adds 1 run(s) "
                               "(2027-03-28T01:00:00+00:00) and drops 1 run(s) "
                               "(2027-03-28T00:00:00+00:00)."_s),
                 qPrintable(text));

        retype(zone, u"Nowhere/Atlantis"_s); // refused under its field; no preview
        QVERIFY(preview->isHidden());
        retype(zone, u"Pacific/Auckland"_s);
        QVERIFY(!preview->isHidden());
        retype(zone, u"Auckland"_s); // to Qt a POSIX rule meaning UTC; to the admin a typo
        QVERIFY(preview->isHidden());
        retype(zone, u"UTC"_s);
        retype(child<QLineEdit>(&dialog, u"setting:"_s + job + u":schedule"_s), u"daily"_s);
        QVERIFY(preview->isHidden()); // as in force: nothing to preview
    }

    // A schedule that never fires ("0 0 31 2 *": no February 31st) would stop the job for good
    // with nothing to show for it: refused under its field, OK disabled; a schedule that fires
    // (even once in four years) is taken. It was saved, and the top-up never ran again.
    void settingsRefusesAScheduleThatNeverFires()
    {
        ConsoleSettings settings(m_home.filePath(u"never.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        const JobSettingsSection topUp = builtInSection(job);
        QVERIFY(!topUp.specs.isEmpty());
        SettingsDialog dialog(settings, vault, {topUp}, nullptr);
        dialog.setNow(QDateTime(QDate(2026, 12, 6), QTime(23, 15), Qt::UTC));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_J, Qt::AltModifier); // the "&Jobs" tab
        auto *schedule = child<QLineEdit>(&dialog, u"setting:"_s + job + u":schedule"_s);
        auto *problem = child<QLabel>(&dialog, u"problem:"_s + job + u":schedule"_s);
        retype(schedule, u"0 0 31 2 *"_s);
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().startsWith(u"Schedule of Monthly Credit Top-Up: \"0 0 31 2 *\" "
                                            u"never fires"_s) &&
                     problem->text().contains(u"pause it"_s),
                 qPrintable(problem->text()));
        QVERIFY(!dialog.isOkEnabled());
        retype(schedule, u"0 0 29 2 *"_s); // Feb 29, 2028
        QVERIFY(!problem->isVisible());
        QVERIFY(dialog.isOkEnabled());
    }

    // OK disabled by a value on another tab (or scrolled away) says why, above the buttons,
    // and in its tooltip; fixed, the line goes. It was greyed out with the reason out of sight.
    void settingsSaysWhyOkIsDisabled()
    {
        ConsoleSettings settings(m_home.filePath(u"why.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        const JobSettingsSection topUp = builtInSection(job);
        QVERIFY(!topUp.specs.isEmpty());
        SettingsDialog dialog(settings, vault, {topUp}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *reason = child<QLabel>(&dialog, u"okBlockedReason"_s);
        QVERIFY(!reason->isVisible());
        QTest::keyClick(&dialog, Qt::Key_J, Qt::AltModifier);
        auto *schedule = child<QLineEdit>(&dialog, u"setting:"_s + job + u":schedule"_s);
        retype(schedule, u"0 25 * * *"_s);
        QTest::keyClick(&dialog, Qt::Key_D, Qt::AltModifier); // the Database tab
        QVERIFY(!schedule->isVisible());
        QVERIFY(!dialog.isOkEnabled());
        QVERIFY(reason->isVisible());
        QVERIFY2(reason->text().startsWith(u"Not saved until fixed: Schedule of Monthly Credit "
                                           u"Top-Up: "_s) &&
                     reason->text().contains(u"25"_s),
                 qPrintable(reason->text()));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QCOMPARE(ok->toolTip(), reason->text());
        QTest::keyClick(&dialog, Qt::Key_J, Qt::AltModifier);
        retype(schedule, u"0 23 * * *"_s);
        QVERIFY(dialog.isOkEnabled());
        QVERIFY(!reason->isVisible());
    }

    // Escape (or Cancel) with edits made asks first; "Keep editing" keeps them, "Discard"
    // closes. Without edits it closes at once. It threw every edit away without a word.
    void settingsAsksBeforeDiscardingEdits()
    {
        ConsoleSettings settings(m_home.filePath(u"discard.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        const JobSettingsSection topUp = builtInSection(job);
        QVERIFY(!topUp.specs.isEmpty());
        {
            SettingsDialog untouched(settings, vault, {topUp}, nullptr);
            untouched.show();
            QVERIFY(QTest::qWaitForWindowExposed(&untouched));
            QString asked;
            answerNextQuestion(u"Keep editing"_s, &asked);
            QTest::keyClick(&untouched, Qt::Key_Escape);
            QVERIFY(!untouched.isVisible());
            QCOMPARE(untouched.result(), int(QDialog::Rejected));
            QTest::qWait(0);
            QCOMPARE(asked, QString());
        }
        SettingsDialog dialog(settings, vault, {topUp}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_J, Qt::AltModifier);
        auto *schedule = child<QLineEdit>(&dialog, u"setting:"_s + job + u":schedule"_s);
        retype(schedule, u"*/7 * * * *"_s);
        QString asked;
        answerNextQuestion(u"Keep editing"_s, &asked);
        QTest::keyClick(schedule, Qt::Key_Escape);
        QCOMPARE(asked, u"The settings you changed are not saved."_s);
        QVERIFY(dialog.isVisible());
        QCOMPARE(schedule->text(), u"*/7 * * * *"_s);
        asked.clear();
        answerNextQuestion(u"Discard"_s, &asked);
        QTest::keyClick(schedule, Qt::Key_Escape);
        QVERIFY(!asked.isEmpty());
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    // Choices are drop-downs of the allowed values, picked with the keyboard; the zone field
    // completes IANA names; the dialog opens at the job selected in the main window.
    void settingsOffersChoicesAndOpensAtTheJob()
    {
        ConsoleSettings settings(m_home.filePath(u"jobs.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto builtIn = JobCatalog::builtInJobs(nullptr, QTimeZone("UTC"));
        QList<JobSettingsSection> sections;
        for (const JobDefinition &job : builtIn)
            sections.append({job.name, JobOverrides::settingSpecs(job), {}});
        const QString last = builtIn.last().name;
        SettingsDialog dialog(settings, vault, sections, nullptr);
        dialog.showJob(last);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(child<QTabWidget>(&dialog, u"tabs"_s)->currentIndex(), 1);
        auto *schedule = child<QLineEdit>(&dialog, u"setting:"_s + last + u":schedule"_s);
        QTRY_COMPARE(QApplication::focusWidget(), schedule);
        // Scrolled to it: its section's first field is in view.
        auto *viewport = schedule->parentWidget();
        while (viewport && viewport->objectName() != u"qt_scrollarea_viewport"_s)
            viewport = viewport->parentWidget();
        QVERIFY(viewport);
        const auto inView = [&] {
            const int top = schedule->mapTo(viewport, QPoint(0, 0)).y();
            return top >= 0 && top + schedule->height() <= viewport->height();
        };
        QTRY_VERIFY(inView());

        auto *overlap = child<QComboBox>(&dialog, u"setting:"_s + last + u":overlap"_s);
        QStringList items;
        for (int i = 0; i < overlap->count(); ++i)
            items.append(overlap->itemText(i));
        QCOMPARE(items, (QStringList{u"skip"_s, u"queue"_s, u"parallel"_s}));
        QCOMPARE(overlap->currentText(), u"skip"_s);
        overlap->setFocus();
        QTest::keyClick(overlap, Qt::Key_Down);
        QCOMPARE(overlap->currentText(), u"queue"_s);
        QCOMPARE(dialog.changedJobSettings().value(last).value(u"overlap"_s).toString(),
                 u"queue"_s);
        QVERIFY(child<QComboBox>(&dialog, u"setting:"_s + last + u":missedRuns"_s));
        QVERIFY(child<QComboBox>(&dialog, u"setting:"_s + last + u":catchUpOnResume"_s));

        auto *zone = child<QLineEdit>(&dialog, u"setting:"_s + last + u":timeZone"_s);
        QVERIFY(zone->completer());
        zone->setFocus();
        zone->selectAll();
        QTest::keyClicks(zone, u"europe/berl"_s);
        QCOMPARE(zone->completer()->currentCompletion(), u"Europe/Berlin"_s);
    }

    // A job's alert rules (issue 18) are fields of its section like its policies: a choice
    // picked with the keyboard, a number and webhook URLs typed, a bad URL refused by name.
    void settingsEditsAlertRules()
    {
        ConsoleSettings settings(m_home.filePath(u"alerts.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const JobDefinition job = JobCatalog::builtInJobs(nullptr, QTimeZone("UTC")).constFirst();
        SettingsDialog dialog(settings, vault, {{job.name, JobOverrides::settingSpecs(job), {}}},
                              nullptr);
        dialog.showJob(job.name);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QString prefix = u"setting:"_s + job.name + u':';

        auto *onFailure = child<QComboBox>(&dialog, prefix + u"alertOnFailure"_s);
        QCOMPARE(onFailure->currentText(), u"yes"_s);
        onFailure->setFocus();
        QTest::keyClick(onFailure, Qt::Key_Down);
        QCOMPARE(onFailure->currentText(), u"no"_s);
        typeInto(child<QSpinBox>(&dialog, prefix + u"alertNoSuccessHours"_s), u"48"_s);

        auto *webhooks = child<QLineEdit>(&dialog, prefix + u"alertWebhooks"_s);
        webhooks->setFocus();
        QTest::keyClicks(webhooks, u"hooks.example.org/x"_s);
        QVERIFY(!dialog.isOkEnabled());
        auto *problem = child<QLabel>(&dialog, u"problem:"_s + job.name + u":alertWebhooks"_s);
        QVERIFY2(problem->text().contains(u"http:// or https://"_s), qPrintable(problem->text()));
        retype(webhooks, u"https://hooks.example.org/x, http://10.0.0.2:8080/y"_s);
        QVERIFY2(dialog.isOkEnabled(), qPrintable(problem->text()));

        const QJsonObject changed = dialog.changedJobSettings().value(job.name);
        QCOMPARE(changed.value(u"alertOnFailure"_s).toString(), u"no"_s);
        QCOMPARE(changed.value(u"alertNoSuccessHours"_s).toInt(), 48);
        const auto rules = jc::AlertRules::from(changed);
        QVERIFY2(rules, qPrintable(rules ? QString() : rules.error()));
        QCOMPARE(rules->webhooks.size(), 2);
        QVERIFY(!rules->onFailure);
    }

    // The top-up's sign-up allowances are only reported: a trailing comma in the custom
    // domains shows a warning under the field, but OK still saves (the good items).
    void settingsSavesAReportOnlySettingWithAWarning()
    {
        ConsoleSettings settings(m_home.filePath(u"report-only.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        JobSettingsSection topUp{job, MonthlyCreditTopUpJob::settingSpecs(), {}};
        SettingsDialog dialog(settings, vault, {topUp}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClick(&dialog, Qt::Key_J, Qt::AltModifier); // the "&Jobs" tab
        QCOMPARE(child<QTabWidget>(&dialog, u"tabs"_s)->currentIndex(), 1);

        auto *domains = child<QLineEdit>(&dialog, u"setting:"_s + job + u":customCreditDomains"_s);
        click(domains);
        QTest::keyClicks(domains, u"@school.example:40,"_s);
        auto *problem = child<QLabel>(&dialog, u"problem:"_s + job + u":customCreditDomains"_s);
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().contains(u"\"\" is an empty item"_s), qPrintable(problem->text()));
        QVERIFY2(problem->text().contains(u"Saved as \"@school.example:40\""_s),
                 qPrintable(problem->text()));
        QVERIFY(dialog.isOkEnabled());

        // A setting the job acts on still blocks OK.
        auto *batch = child<QSpinBox>(&dialog, u"setting:"_s + job + u":batchSize"_s);
        typeInto(batch, u"0"_s);
        QVERIFY(!dialog.isOkEnabled());
        typeInto(batch, u"1000"_s); // the default again: not stored
        QVERIFY(dialog.isOkEnabled());

        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const QJsonObject expected{{u"customCreditDomains"_s, u"@school.example:40"_s}};
        QCOMPARE(dialog.changedJobSettings().value(job), expected);
    }

    void settingsStoresTheUrlWithoutPassword()
    {
        const QString path = m_home.filePath(u"database.ini"_s);
        ConsoleSettings settings(path);
        settings.setRunJobsHere(true);
        PasswordVault vault(u"jobconsole-test"_s);
        vault.setAskPassword([](const QString &) { return std::optional<QString>(); });
        SettingsDialog dialog(settings, vault, {}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(!dialog.databaseChanged());
        auto *kind = child<QComboBox>(&dialog, u"kindCombo"_s);
        QTest::keyClick(kind, Qt::Key_Down); // SQLite → PostgreSQL
        QCOMPARE(kind->currentIndex(), 1);
        QVERIFY(!dialog.isOkEnabled()); // no database name yet
        for (const auto &[field, text] :
             {std::pair{u"hostEdit"_s, u"db.example.org"_s},
              std::pair{u"databaseEdit"_s, u"jobs"_s}, std::pair{u"userEdit"_s, u"alice"_s},
              std::pair{u"passwordEdit"_s, u"Tr0ub4dor"_s}}) {
            auto *edit = child<QLineEdit>(&dialog, field);
            QVERIFY2(edit->isVisible(), qPrintable(field));
            click(edit);
            QTest::keyClicks(edit, text);
        }
        QVERIFY(chooseByKeys(child<QComboBox>(&dialog, u"sslModeCombo"_s), u"require"_s));
        QTest::keyClick(&dialog, Qt::Key_I, Qt::AltModifier); // the "D&isplay" tab
        clickBox(child<QRadioButton>(&dialog, u"utcRadio"_s));
        QTest::keyClick(&dialog, Qt::Key_S, Qt::AltModifier); // the "&Scheduler" tab
        clickBox(child<QRadioButton>(&dialog, u"watchOnlyRadio"_s));
        clickBox(child<QCheckBox>(&dialog, u"closeToTrayCheck"_s));
        QVERIFY(dialog.isOkEnabled());
        QCOMPARE(dialog.databaseUrl(),
                 u"postgresql://alice@db.example.org:5432/jobs?sslmode=require"_s);
        QVERIFY(dialog.databaseChanged());
        click(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        QCOMPARE(settings.databaseUrl(), dialog.databaseUrl());
        QCOMPARE(settings.displayZone(), TimeDisplay::Zone::Utc);
        QVERIFY(!settings.runJobsHere());
        QVERIFY(!settings.closeToTray());
        QTRY_COMPARE(vault.sessionPassword(u"alice@db.example.org:5432/jobs"_s),
                     std::optional(u"Tr0ub4dor"_s));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains("Tr0ub4dor"), "the password reached the settings file");
    }

    // Each Alt+key of the settings dialog reaches one control on every tab: "&SSL mode" took
    // Alt+S from the Scheduler tab, "&Database:" Alt+D from the Database tab.
    void settingsMnemonicsDoNotClash()
    {
        ConsoleSettings settings(m_home.filePath(u"mnemonics.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString job = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        SettingsDialog dialog(settings, vault, {{job, MonthlyCreditTopUpJob::settingSpecs(), {}}},
                              nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *tabs = child<QTabWidget>(&dialog, u"tabs"_s);
        auto *kind = child<QComboBox>(&dialog, u"kindCombo"_s);
        for (int kindIndex = 0; kindIndex < kind->count(); ++kindIndex) {
            QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {},
                              tabs->tabBar()->tabRect(0).center());
            while (kind->currentIndex() != kindIndex)
                QTest::keyClick(kind, Qt::Key_Down);
            for (int tab = 0; tab < tabs->count(); ++tab) {
                QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {},
                                  tabs->tabBar()->tabRect(tab).center());
                QCOMPARE(tabs->currentIndex(), tab);
                const QStringList clashes = clashingMnemonics(&dialog);
                QVERIFY2(clashes.isEmpty(),
                         qPrintable(u"%1, %2 tab: %3"_s.arg(kind->currentText(), tabs->tabText(tab),
                                                            clashes.join(u"; "_s))));
            }
        }
        // From the Database tab, Alt+S goes to the Scheduler tab.
        QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(0).center());
        QTest::keyClick(&dialog, Qt::Key_S, Qt::AltModifier);
        QCOMPARE(tabs->currentIndex(), 3);
    }

    // A MySQL/MariaDB database in the settings stays one: the Database page shows it as such,
    // Test connection reaches the real server with the password typed there, and OK keeps the
    // URL (it was turned into postgresql://… on the PostgreSQL page: every later start failed).
    void settingsKeepAMySqlDatabase()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString configured = DatabaseUrlText::format(database.url());
        QVERIFY2(configured.startsWith(u"mysql://"_s), qPrintable(configured));
        ConsoleSettings settings(m_home.filePath(u"mysql.ini"_s));
        QVERIFY(settings.setDatabaseUrl(configured));
        PasswordVault vault(u"jobconsole-test"_s);
        vault.setAskPassword([](const QString &) { return std::optional<QString>(); });
        SettingsDialog dialog(settings, vault, {}, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(child<QComboBox>(&dialog, u"kindCombo"_s)->currentText(),
                 u"MySQL/MariaDB server"_s);
        QCOMPARE(dialog.databaseUrl(), configured);
        QVERIFY(!dialog.databaseChanged());
        QVERIFY(!child<QComboBox>(&dialog, u"sslModeCombo"_s)->isVisible()); // libpq's only

        auto *password = child<QLineEdit>(&dialog, u"passwordEdit"_s);
        click(password);
        QTest::keyClicks(password, database.url().password());
        auto *result = child<QLabel>(&dialog, u"testResult"_s);
        click(child<QPushButton>(&dialog, u"testButton"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!result->text().startsWith(u"Connecting"_s), 15000);
        QVERIFY2(result->text().startsWith(u"✔ Connected to"_s), qPrintable(result->text()));
        click(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(settings.databaseUrl(), configured);

        // Chosen by keys from SQLite: the server fields, MySQL's port.
        ConsoleSettings fresh(m_home.filePath(u"mysql-new.ini"_s));
        SettingsDialog choosing(fresh, vault, {}, nullptr);
        choosing.show();
        QVERIFY(QTest::qWaitForWindowExposed(&choosing));
        auto *kind = child<QComboBox>(&choosing, u"kindCombo"_s);
        QVERIFY(chooseByKeys(kind, u"MySQL/MariaDB server"_s));
        for (const auto &[field, text] :
             {std::pair{u"hostEdit"_s, u"db.example.org"_s},
              std::pair{u"databaseEdit"_s, u"rapua"_s}, std::pair{u"userEdit"_s, u"alice"_s}}) {
            auto *edit = child<QLineEdit>(&choosing, field);
            QVERIFY2(edit->isVisible(), qPrintable(field));
            click(edit);
            QTest::keyClicks(edit, text);
        }
        QCOMPARE(choosing.databaseUrl(), u"mysql://alice@db.example.org:3306/rapua"_s);
        QVERIFY(chooseByKeys(kind, u"PostgreSQL server"_s)); // the other server's port follows
        QCOMPARE(choosing.databaseUrl(), u"postgresql://alice@db.example.org:5432/rapua"_s);
    }

    void testConnectionReportsOffTheGuiThread()
    {
        ConsoleSettings settings(m_home.filePath(u"test-connection.ini"_s));
        QVERIFY(settings.setDatabaseUrl(u"postgresql://nobody@127.0.0.1:1/jobs"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        vault.setAskPassword([](const QString &) { return std::optional<QString>(); });
        SettingsDialog dialog(settings, vault, {}, nullptr);
        dialog.show();
        auto *result = child<QLabel>(&dialog, u"testResult"_s);
        click(child<QPushButton>(&dialog, u"testButton"_s));
        QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"✘"_s), 15000);
        QVERIFY2(result->text().contains(u"127.0.0.1"_s), qPrintable(result->text()));
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(tst_Dialogs)
#include "tst_dialogs.moc"
