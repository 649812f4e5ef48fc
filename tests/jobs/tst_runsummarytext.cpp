// A run's summary in words (RunSummaryText): each built-in job's sentence from the keys its
// summaries have had (older rows lack some), the dry-run form, the generic form for other
// jobs and keys, and the numbers and times that read the same in every locale and zone.
// The sentences from the jobs' own summaries are checked in each job's test, on both
// databases; the stored rows' words in tst_runhistorymodel and tst_jobctl_run.
#include "jobs/HistoryRetentionJob.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "jobs/OrphanedUploadsCleanupJob.h"
#include "jobs/RunSummaryText.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTest>

using jc::RunSummaryText;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

const QString topUp = QString::fromLatin1(jc::MonthlyCreditTopUpJob::name);
const QString stale = QString::fromLatin1(jc::StaleCreditPurchaseCleanupJob::name);
const QString uploads = QString::fromLatin1(jc::OrphanedUploadsCleanupJob::name);
const QString retention = QString::fromLatin1(jc::HistoryRetentionJob::name);

} // namespace

class tst_RunSummaryText : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // A locale that groups with "." and a zone far from UTC: neither may show.
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        qputenv("TZ", "Pacific/Auckland");
    }

    void sentences_data();
    void sentences();
    void numbers_data();
    void numbers();
    void bytes_data();
    void bytes();
    void storedRunsReadTheSame();
};

void tst_RunSummaryText::sentences_data()
{
    QTest::addColumn<QString>("job");
    QTest::addColumn<QJsonObject>("summary");
    QTest::addColumn<bool>("dryRun");
    QTest::addColumn<QString>("words");

    QTest::newRow("top-up")
        << topUp << json(R"({"usersScanned":740476,"usersToppedUp":722043,"creditsGranted":12700374,
                    "alreadyToppedUp":18433,"usersSkippedNegative":0,"legacyGrantsAdopted":0,
                    "legacyRowsSinceSwitchOver":0,"period":"2026-12","batches":73,
                    "dryRun":false,"byLimit":{"10":{"users":5,"credits":50}}})")
        << false
        << "Topped up 722,043 users with 12,700,374 credits for 2026-12 (18,433 already had "
           "theirs, 0 skipped: negative balance)";
    QTest::newRow("top-up, dry run (flag in the summary)")
        << topUp << json(R"({"usersToppedUp":1,"creditsGranted":1,"alreadyToppedUp":2,
                    "usersSkippedNegative":1,"period":"2027-01","dryRun":true})")
        << false
        << "Dry run: would top up 1 user with 1 credit for 2027-01 (2 already had theirs, 1 "
           "skipped: negative balance)";
    QTest::newRow("top-up, dry run (flag on the row)")
        << topUp << json(R"({"usersToppedUp":0,"creditsGranted":0})") << true
        << "Dry run: would top up 0 users with 0 credits";
    QTest::newRow("top-up, failed batches, adopted and late legacy rows")
        << topUp << json(R"({"usersToppedUp":700,"creditsGranted":7000,"alreadyToppedUp":150,
                    "legacyGrantsAdopted":120,"usersSkippedNegative":3,"period":"2026-12",
                    "failedBatches":2,"usersInFailedBatches":200,
                    "legacyRowsSinceSwitchOver":1})")
        << false
        << "Topped up 700 users with 7,000 credits for 2026-12 (150 already had theirs, 120 "
           "of them from the app's own scheduler, 3 skipped: negative balance); 2 batches "
           "failed: 200 users wait for the retry; 1 top-up row without a period since the "
           "switch-over: the app's own scheduler still runs";
    // The demo history's and older rows' summaries: period and totals only.
    QTest::newRow("top-up, an older summary")
        << topUp << json(R"({"period":"2026-11","usersToppedUp":100,"creditsGranted":1250,
                    "byLimit":{}})")
        << false << "Topped up 100 users with 1,250 credits for 2026-11";

    QTest::newRow("stale purchases")
        << stale << json(R"({"deleted":2,"byStatus":{"pending":2,"failed":0},
                    "cutoff":"2026-11-25T19:04:31+00:00","skippedUnreadableTime":0,
                    "staleAgeDays":7,"dryRun":false})")
        << false
        << "Deleted 2 stale purchases (2 pending, 0 failed) created before 25 Nov 19:04 UTC";
    QTest::newRow("stale purchases, cutoff with an offset, unreadable kept")
        << stale << json(R"({"deleted":1,"byStatus":{"failed":0,"pending":1},
                    "cutoff":"2026-11-26T08:04:00+13:00","skippedUnreadableTime":3})")
        << false
        << "Deleted 1 stale purchase (1 pending, 0 failed) created before 25 Nov 19:04 UTC; "
           "kept 3 whose creation time cannot be read";
    QTest::newRow("stale purchases, dry run")
        << stale << json(R"({"deleted":1234,"byStatus":{"pending":1000,"failed":234},
                    "cutoff":"2026-12-03T00:00:00.250+00:00","dryRun":true})")
        << true
        << "Dry run: would delete 1,234 stale purchases (1,000 pending, 234 failed) created "
           "before 3 Dec 00:00 UTC";

    QTest::newRow("uploads, dry run")
        << uploads << json(R"({"filesScanned":3,"referenced":0,"deleted":3,"cacheCopiesDeleted":0,
                    "bytesFreed":1234567,"foldersRemoved":2,"keptTooYoung":0,
                    "skippedSymlinks":0,"errors":0,"references":0,"dryRun":true})")
        << true << "Dry run: would delete 3 files (1.2 MB) and 2 empty folders; 3 checked";
    QTest::newRow("uploads, everything")
        << uploads << json(R"({"filesScanned":18204,"referenced":18100,"deleted":1,
                    "cacheCopiesDeleted":10000,"bytesFreed":999,"foldersRemoved":1,
                    "keptTooYoung":4,"skippedSymlinks":1,"errors":2,"dryRun":false})")
        << false
        << "Deleted 1 file with 10,000 cached copies (999 bytes) and 1 empty folder; 18,204 "
           "checked, 4 kept as too recent, 2 could not be deleted, 1 symbolic link skipped";

    QTest::newRow("uploads, nothing to delete")
        << uploads << json(R"({"filesScanned":183,"deleted":0,"bytesFreed":0,"foldersRemoved":0,
                    "keptTooYoung":1,"errors":0,"dryRun":false})")
        << false << "Deleted 0 files; 183 checked, 1 kept as too recent";

    QTest::newRow("retention") << retention << json(R"({"jobs":4,"runsDeleted":0,"dryRun":false})")
                               << false << "Deleted 0 old runs (4 jobs checked)";
    QTest::newRow("retention, dry run")
        << retention << json(R"({"jobs":1,"runsDeleted":12345,"dryRun":true})") << true
        << "Dry run: would delete 12,345 old runs (1 job checked)";
    QTest::newRow("retention, stopped")
        << retention << json(R"({"runsDeleted":1})") << false << "Deleted 1 old run";

    QTest::newRow("another job") << "Nightly Report"
                                 << json(R"({"pagesRendered":1200,"mailed":true,"ratio":0.25})")
                                 << false << "Mailed yes · pages rendered 1,200 · ratio 0.25";
    QTest::newRow("another job, nested and dry")
        << "Nightly Report"
        << json(R"({"byKind":{"pdf":2,"csv":1000},"files":["a","b"],"dryRun":true})") << false
        << "Dry run: By kind (csv 1,000 · pdf 2) · files 2 items";
    QTest::newRow("a known job without its key")
        << retention << json(R"({"jobsChecked":4})") << false << "Jobs checked 4";
    QTest::newRow("nothing to say") << topUp << QJsonObject() << true << QString();
}

void tst_RunSummaryText::sentences()
{
    QFETCH(QString, job);
    QFETCH(QJsonObject, summary);
    QFETCH(bool, dryRun);
    QFETCH(QString, words);
    QCOMPARE(RunSummaryText::of(job, summary, dryRun), words);
}

void tst_RunSummaryText::numbers_data()
{
    QTest::addColumn<qint64>("number");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << "0";
    QTest::newRow("999") << qint64(999) << "999";
    QTest::newRow("1000") << qint64(1000) << "1,000";
    QTest::newRow("12700374") << qint64(12700374) << "12,700,374";
    QTest::newRow("-1234") << qint64(-1234) << "-1,234";
    QTest::newRow("min") << std::numeric_limits<qint64>::min() << "-9,223,372,036,854,775,808";
}

void tst_RunSummaryText::numbers()
{
    QFETCH(qint64, number);
    QFETCH(QString, text);
    QCOMPARE(RunSummaryText::count(number), text);
}

void tst_RunSummaryText::bytes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("1") << qint64(1) << "1 byte";
    QTest::newRow("999") << qint64(999) << "999 bytes";
    QTest::newRow("1000") << qint64(1000) << "1.0 kB";
    QTest::newRow("999949") << qint64(999949) << "999.9 kB";
    QTest::newRow("999950") << qint64(999950) << "1.0 MB";
    QTest::newRow("1.2 MB") << qint64(1234567) << "1.2 MB";
    QTest::newRow("3 GB") << qint64(3'000'000'000) << "3.0 GB";
}

void tst_RunSummaryText::bytes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(RunSummaryText::bytes(bytes), text);
}

// The words need only what a jc_runs row keeps: its job, summary and dry-run flag.
void tst_RunSummaryText::storedRunsReadTheSame()
{
    jc::StoredRun run;
    run.job = retention;
    run.summary = json(R"({"jobs":4,"runsDeleted":2})");
    run.dryRun = true;
    QCOMPARE(RunSummaryText::of(run),
             QStringLiteral("Dry run: would delete 2 old runs (4 jobs checked)"));
    QCOMPARE(RunSummaryText::utcMinute(QDateTime(QDate(2026, 3, 29), QTime(1, 30, 59), Qt::UTC)),
             QStringLiteral("29 Mar 01:30 UTC"));
}

QTEST_GUILESS_MAIN(tst_RunSummaryText)
#include "tst_runsummarytext.moc"
