#include "storage/RunHistory.h"

#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"
#include "storage/PerJobReads.h"
#include "storage/RunPages.h"
#include "storage/SqlErrors.h"
#include "storage/SqlRunJournal.h"

#include "TestDatabases.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::RunOutcome;
using jc::RunQuery;
using jc::SqlDialect;
using jc::StoredRun;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QDateTime at(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

// A jc_runs row as a test wants it; the rest is filled in plausibly.
struct Row
{
    QString job = u"A"_s;
    QString status = u"succeeded"_s;
    qint64 started = T0;
    QString error{};
    QString trigger = u"scheduled"_s;
    qint64 occurrence = -1; // -1: = started
    qint64 finished = -1;   // -1: started + 1 s
    bool dryRun = false;
};

QVariant nullable(const QString &text)
{
    return text.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

constexpr int RowColumns = 9;

QVariantList columnsOf(const Row &row)
{
    static int serial = 0;
    return {row.job,
            row.trigger,
            row.occurrence < 0 ? row.started : row.occurrence,
            u"k%1"_s.arg(++serial),
            row.status,
            row.started,
            row.finished < 0 ? row.started + 1000 : row.finished,
            nullable(row.error),
            row.dryRun};
}

// Inserts rows [first, first + count * perStatement) with one prepared INSERT of
// `perStatement` rows, run `count` times by execBatch.
QString insertBatch(QSqlDatabase db, const QList<Row> &rows, qsizetype first, qsizetype count,
                    int perStatement)
{
    QStringList tuples(perStatement, u"(?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    QSqlQuery query(db);
    if (!query.prepare(
            u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
            "status, started_at_ms, finished_at_ms, error, dry_run) VALUES "_s +
            tuples.join(u", "_s)))
        return query.lastError().text();
    QList<QVariantList> placeholders(perStatement * RowColumns);
    for (qsizetype statement = 0; statement < count; ++statement) {
        for (int r = 0; r < perStatement; ++r) {
            const QVariantList values = columnsOf(rows.at(first + statement * perStatement + r));
            for (int c = 0; c < RowColumns; ++c)
                placeholders[r * RowColumns + c].append(values.at(c));
        }
    }
    for (const QVariantList &values : std::as_const(placeholders))
        query.addBindValue(values);
    return query.execBatch() ? QString() : query.lastError().text();
}

// Inserts `rows` in one transaction with execBatch: many rows per statement for big loads
// (Qt runs a batch as one round trip per statement on both drivers), the rest one by one.
QString insertRows(QSqlDatabase db, const QList<Row> &rows)
{
    constexpr int PerStatement = 100;
    const qsizetype bulk = rows.size() >= 1000 ? rows.size() / PerStatement : 0;
    if (!db.transaction())
        return db.lastError().text();
    QString error;
    if (bulk > 0)
        error = insertBatch(db, rows, 0, bulk, PerStatement);
    const qsizetype rest = bulk * PerStatement;
    if (error.isEmpty() && rest < rows.size())
        error = insertBatch(db, rows, rest, rows.size() - rest, 1);
    if (!error.isEmpty()) {
        db.rollback();
        return error;
    }
    return db.commit() ? QString() : db.lastError().text();
}

QList<qint64> ids(const QList<StoredRun> &runs)
{
    QList<qint64> result;
    for (const StoredRun &run : runs)
        result.append(run.id);
    return result;
}

QStringList errors(const QList<StoredRun> &runs)
{
    QStringList result;
    for (const StoredRun &run : runs)
        result.append(run.error);
    result.sort();
    return result;
}

// `sql` with each ? replaced by the next of `values` as an SQL literal (the tests' own values:
// texts without quotes, numbers, booleans).
QString withLiterals(const QString &sql, const jc::SqlStatement::Values &values)
{
    QString result = sql;
    // Longest names first, so that no name replaces the start of a longer one.
    QStringList names = values.keys();
    std::sort(names.begin(), names.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &name : std::as_const(names)) {
        const QVariant &value = values.value(name);
        QString literal;
        if (value.typeId() == QMetaType::Bool)
            literal = value.toBool() ? u"true"_s : u"false"_s;
        else if (value.typeId() == QMetaType::QString)
            literal = u"'"_s + value.toString() + u"'"_s;
        else
            literal = value.toString();
        result.replace(name, literal);
    }
    return result;
}

// One step of a query plan: SQLite's detail, PostgreSQL's line, or, on MySQL, "table type
// key=KEY Extra" with those fields apart too.
struct PlanStep
{
    QString text;
    QString table; // MySQL only
    QString type;  // MySQL only
    QString extra; // MySQL only
};

// The plan of `sql` run with `values`: SQLite's EXPLAIN QUERY PLAN, bound; PostgreSQL's and
// MySQL's EXPLAIN, with the values written in as literals (PostgreSQL cannot PREPARE an
// EXPLAIN, nor, safely, MySQL).
jc::Expected<QList<PlanStep>, QString> planOf(QSqlDatabase db, SqlDialect dialect,
                                              const QString &sql,
                                              const jc::SqlStatement::Values &values)
{
    QSqlQuery query(db);
    bool ran = false;
    if (dialect == SqlDialect::Sqlite) {
        ran = query.prepare(u"EXPLAIN QUERY PLAN "_s + sql);
        for (auto value = values.cbegin(); ran && value != values.cend(); ++value)
            query.bindValue(value.key(), value.value());
        ran = ran && query.exec();
    } else {
        QString explain = u"EXPLAIN "_s + withLiterals(sql, values);
        if (dialect == SqlDialect::MySql) // a backslash escapes in MySQL's string literals
            explain.replace(uR"('\')"_s, uR"('\\')"_s);
        ran = query.exec(explain);
    }
    if (!ran)
        return jc::Unexpected(query.lastError().text());
    QList<PlanStep> steps;
    while (query.next()) {
        if (dialect == SqlDialect::MySql) {
            const auto field = [&query](const char *name) {
                return query.value(query.record().indexOf(QString::fromLatin1(name))).toString();
            };
            steps.append({u"%1 %2 key=%3 %4"_s.arg(field("table"), field("type"), field("key"),
                                                   field("Extra")),
                          field("table"), field("type"), field("Extra")});
        } else {
            steps.append(
                {query.value(dialect == SqlDialect::Postgres ? 0 : 3).toString(), {}, {}, {}});
        }
    }
    return steps;
}

QString textOf(const QList<PlanStep> &plan)
{
    QStringList lines;
    for (const PlanStep &step : plan)
        lines.append(step.text);
    return lines.join(u'\n');
}

} // namespace

// Gives the test function a migrated database: `database`, `factory`, `db`, `history`.
#define OPEN_HISTORY()                                                                             \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = std::make_shared<ConnectionFactory>(database.url());                            \
    const auto connection = factory->connectionForCurrentThread();                                 \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection;                                                                 \
    const auto migrated = jc::Migrator().migrate(db);                                              \
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));                       \
    jc::RunHistory history(factory)

#define INSERT(rows)                                                                               \
    do {                                                                                           \
        const QString error_ = insertRows(db, rows);                                               \
        QVERIFY2(error_.isEmpty(), qPrintable(error_));                                            \
    } while (false)

// Evaluates `expression` (an Expected) once into `name`, failing the test with its error.
#define FETCH(name, expression)                                                                    \
    const auto name = (expression);                                                                \
    QVERIFY2(name, qPrintable(name ? QString() : name.error()))

class tst_RunHistory : public QObject
{
    Q_OBJECT

private slots:
    void pagingVisitsEveryRowOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pagingVisitsEveryRowOnce();
    void filtersCombine_data() { jc::test::addDatabaseRowsWithMySql(); }
    void filtersCombine();
    void errorSearchMatchesLiterally_data() { jc::test::addDatabaseRowsWithMySql(); }
    void errorSearchMatchesLiterally();
    void runById_data() { jc::test::addDatabaseRowsWithMySql(); }
    void runById();
    void logLinesPage_data() { jc::test::addDatabaseRowsWithMySql(); }
    void logLinesPage();
    void latestRunPerJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void latestRunPerJob();
    void lastSuccessPerJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void lastSuccessPerJob();
    void lastOccurrencePerJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void lastOccurrencePerJob();
    void unfinishedLastOccurrencePerJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void unfinishedLastOccurrencePerJob();
    void perJobReadsSeekAnIndex_data() { jc::test::addDatabaseRowsWithMySql(); }
    void perJobReadsSeekAnIndex();
    void outcomePagesMatchEveryFilter_data() { jc::test::addDatabaseRowsWithMySql(); }
    void outcomePagesMatchEveryFilter();
    void outcomePagesSeekAnIndex_data() { jc::test::addDatabaseRowsWithMySql(); }
    void outcomePagesSeekAnIndex();
};

void tst_RunHistory::pagingVisitsEveryRowOnce()
{
    OPEN_HISTORY();
    constexpr int Total = 100'000;
    constexpr int Jobs = 7;
    QList<Row> rows;
    rows.reserve(Total);
    for (int i = 0; i < Total; ++i)
        rows.append(
            {u"job-%1"_s.arg(i % Jobs), i % 10 == 0 ? u"failed"_s : u"succeeded"_s, T0 + i * 1000});
    QElapsedTimer timer;
    timer.start();
    INSERT(rows);
    // A bulk load leaves PostgreSQL without statistics until autovacuum comes by, and its
    // planner then scans the table instead of the index; a live database has them.
    QSqlQuery analyze(db);
    QVERIFY2(analyze.exec(dialect == SqlDialect::MySql ? u"ANALYZE TABLE jc_runs"_s
                                                       : u"ANALYZE jc_runs"_s),
             qPrintable(analyze.lastError().text()));
    const qint64 insertMSecs = timer.restart();

    // Unfiltered, with an odd page size so the last page is partial.
    QList<qint64> seen;
    qint64 before = 0;
    int pages = 0;
    qint64 slowest = 0;
    for (;; ++pages) {
        QElapsedTimer pageTimer;
        pageTimer.start();
        FETCH(page, history.runs({.beforeId = before, .limit = 997}));
        slowest = std::max(slowest, pageTimer.elapsed());
        if (page->isEmpty())
            break;
        seen += ids(*page);
        before = page->constLast().id;
    }
    qInfo("inserted %d rows in %lld ms; paged through them in %d pages in %lld ms, the slowest "
          "page took %lld ms",
          Total, insertMSecs, pages, timer.elapsed(), slowest);
    QCOMPARE(seen.size(), Total);
    QVERIFY(std::is_sorted(seen.crbegin(), seen.crend()));
    QCOMPARE(QSet<qint64>(seen.cbegin(), seen.cend()).size(), Total);
    QCOMPARE(pages, (Total + 996) / 997);

    // Filtered by job: every row of that job, once, newest first.
    seen.clear();
    before = 0;
    for (;;) {
        FETCH(page, history.runs({.job = u"job-3"_s, .beforeId = before, .limit = 1000}));
        if (page->isEmpty())
            break;
        for (const StoredRun &run : *page)
            QCOMPARE(run.job, u"job-3"_s);
        seen += ids(*page);
        before = page->constLast().id;
    }
    QCOMPARE(seen.size(), (Total - 3 + Jobs - 1) / Jobs);
    QVERIFY(std::is_sorted(seen.crbegin(), seen.crend()));
}

void tst_RunHistory::filtersCombine()
{
    OPEN_HISTORY();
    INSERT((QList<Row>{
        {u"A"_s, u"succeeded"_s, T0},
        {u"A"_s, u"failed"_s, T0 + Hour, u"Disk full"_s},
        {u"B"_s, u"failed"_s, T0 + 2 * Hour, u"timeout"_s},
        {u"B"_s, u"running"_s, T0 + 3 * Hour},
        {u"A"_s, u"skipped"_s, T0 + 4 * Hour, u"paused"_s},
    }));
    const auto jobsOf = [&](const RunQuery &query) {
        QStringList result;
        const auto runs = history.runs(query);
        if (!runs)
            return QStringList{runs.error()};
        for (const StoredRun &run : *runs)
            result.append(run.job + u':' + jc::toText(run.outcome));
        return result;
    };
    QCOMPARE(jobsOf({}), (QStringList{u"A:skipped"_s, u"B:running"_s, u"B:failed"_s, u"A:failed"_s,
                                      u"A:succeeded"_s}));
    QCOMPARE(jobsOf({.job = u"A"_s}),
             (QStringList{u"A:skipped"_s, u"A:failed"_s, u"A:succeeded"_s}));
    QCOMPARE(jobsOf({.job = u"C"_s}), QStringList());
    QCOMPARE(jobsOf({.outcomes = {RunOutcome::Failed}}),
             (QStringList{u"B:failed"_s, u"A:failed"_s}));
    QCOMPARE(jobsOf({.outcomes = {RunOutcome::Failed, RunOutcome::Running}}),
             (QStringList{u"B:running"_s, u"B:failed"_s, u"A:failed"_s}));
    QCOMPARE(jobsOf({.since = at(T0 + 2 * Hour)}),
             (QStringList{u"A:skipped"_s, u"B:running"_s, u"B:failed"_s}));
    QCOMPARE(jobsOf({.until = at(T0 + 2 * Hour)}), (QStringList{u"A:failed"_s, u"A:succeeded"_s}));
    QCOMPARE(jobsOf({.since = at(T0 + Hour), .until = at(T0 + 3 * Hour)}),
             (QStringList{u"B:failed"_s, u"A:failed"_s}));
    QCOMPARE(jobsOf({.job = u"A"_s, .outcomes = {RunOutcome::Failed}, .errorContains = u"disk"_s}),
             QStringList{u"A:failed"_s});
    QCOMPARE(jobsOf({.limit = 2}), (QStringList{u"A:skipped"_s, u"B:running"_s}));

    // Paging goes on where the last page ended, filters and all.
    FETCH(first, history.runs({.job = u"A"_s, .limit = 1}));
    FETCH(rest, history.runs({.job = u"A"_s, .beforeId = first->constFirst().id}));
    QCOMPARE(rest->size(), 2);
    QCOMPARE(rest->constFirst().outcome, RunOutcome::Failed);
}

void tst_RunHistory::errorSearchMatchesLiterally()
{
    OPEN_HISTORY();
    const QStringList texts{u"it's 100% done"_s,
                            u"100 done"_s,
                            u"a_b"_s,
                            u"axb"_s,
                            u"back\\slash"_s,
                            u"backslash"_s,
                            u"x'; DROP TABLE jc_runs; --"_s,
                            u"50%_off"_s,
                            u"Mixed CASE text"_s};
    QList<Row> rows;
    for (const QString &text : texts)
        rows.append({u"A"_s, u"failed"_s, T0, text});
    INSERT(rows);

    const auto matching = [&](const QString &needle) {
        const auto runs = history.runs({.errorContains = needle});
        return runs ? errors(*runs) : QStringList{u"error: "_s + runs.error()};
    };
    QCOMPARE(matching(u"%"_s), (QStringList{u"50%_off"_s, u"it's 100% done"_s}));
    QCOMPARE(matching(u"100%"_s), QStringList{u"it's 100% done"_s});
    QCOMPARE(matching(u"_"_s),
             (QStringList{u"50%_off"_s, u"a_b"_s, u"x'; DROP TABLE jc_runs; --"_s}));
    QCOMPARE(matching(u"a_b"_s), QStringList{u"a_b"_s});
    QCOMPARE(matching(u"%_"_s), QStringList{u"50%_off"_s});
    QCOMPARE(matching(u"\\"_s), QStringList{u"back\\slash"_s});
    QCOMPARE(matching(u"k\\s"_s), QStringList{u"back\\slash"_s});
    QCOMPARE(matching(u"'"_s), (QStringList{u"it's 100% done"_s, u"x'; DROP TABLE jc_runs; --"_s}));
    QCOMPARE(matching(u";"_s), QStringList{u"x'; DROP TABLE jc_runs; --"_s});
    QCOMPARE(matching(u"'; DROP TABLE jc_runs; --"_s),
             QStringList{u"x'; DROP TABLE jc_runs; --"_s});
    QCOMPARE(matching(u"mixed case"_s), QStringList{u"Mixed CASE text"_s});
    QCOMPARE(matching(u"nothing like it"_s), QStringList());
    FETCH(all, history.runs({}));
    QCOMPARE(all->size(), texts.size());
}

void tst_RunHistory::runById()
{
    OPEN_HISTORY();
    Row row{u"A"_s, u"failed"_s, T0 + 5, u"boom"_s, u"manual"_s, T0, T0 + 99, true};
    INSERT(QList<Row>{row});
    FETCH(all, history.runs({}));
    FETCH(found, history.run(all->constFirst().id));
    QVERIFY(found->has_value());
    const StoredRun &run = **found;
    QCOMPARE(run.job, u"A"_s);
    QCOMPARE(run.outcome, RunOutcome::Failed);
    QCOMPARE(run.trigger, jc::RunTrigger::Manual);
    QCOMPARE(run.occurrence, at(T0));
    QCOMPARE(run.startedAt, at(T0 + 5));
    QCOMPARE(run.finishedAt, at(T0 + 99));
    QCOMPARE(run.startedAt.timeSpec(), Qt::UTC);
    QCOMPARE(run.error, u"boom"_s);
    QVERIFY(run.dryRun);
    QVERIFY(!run.heartbeatAt.isValid());
    QVERIFY(run.summary.isEmpty());

    FETCH(missing, history.run(all->constFirst().id + 1));
    QVERIFY(!missing->has_value());
}

void tst_RunHistory::logLinesPage()
{
    OPEN_HISTORY();
    jc::SqlRunJournal journal(factory);
    jc::RunInfo info;
    info.job = u"A"_s;
    info.occurrence = at(T0);
    const auto claim = journal.claim({info,
                                      jc::RunJournal::occurrenceKey(info),
                                      jc::OverlapPolicy::Skip,
                                      T0,
                                      60'000,
                                      u"i"_s,
                                      {}});
    QCOMPARE(claim.status, jc::RunJournal::Claim::Status::Claimed);
    QList<jc::LogLine> lines;
    for (int i = 0; i < 25; ++i) {
        lines.append({T0 + i,
                      i % 2 ? jc::LogLevel::Error : jc::LogLevel::Debug,
                      u"line %1"_s.arg(i),
                      {{u"i"_s, i}, {u"ok"_s, true}, {u"who"_s, u"x y"_s}}});
    }
    const auto beat = journal.heartbeat({{claim.storedRunId, {}, lines, 0}}, T0 + 100, u"i"_s);
    QVERIFY2(beat, qPrintable(beat ? QString() : beat.error()));

    QList<int> seqs;
    int after = -1;
    for (int page = 0; page < 4; ++page) {
        FETCH(chunk, history.logLines(claim.storedRunId, after, 10));
        QCOMPARE(chunk->size(), page < 2 ? 10 : page == 2 ? 5 : 0);
        for (const jc::StoredLogLine &line : *chunk) {
            QCOMPARE(line.runId, claim.storedRunId);
            QCOMPARE(line.message, u"line %1"_s.arg(line.seq));
            QCOMPARE(line.level, line.seq % 2 ? jc::LogLevel::Error : jc::LogLevel::Debug);
            QCOMPARE(line.loggedAt, at(T0 + line.seq));
            QCOMPARE(line.fields.value(u"i"_s).toInt(), line.seq);
            QCOMPARE(line.fields.value(u"ok"_s).toBool(), true);
            QCOMPARE(line.fields.value(u"who"_s).toString(), u"x y"_s);
            seqs.append(line.seq);
            after = line.seq;
        }
    }
    QCOMPARE(seqs.size(), 25);
    QVERIFY(std::is_sorted(seqs.cbegin(), seqs.cend()));
    FETCH(none, history.logLines(claim.storedRunId + 1, -1, 10));
    QVERIFY(none->isEmpty());
}

void tst_RunHistory::latestRunPerJob()
{
    OPEN_HISTORY();
    INSERT((QList<Row>{
        {u"A"_s, u"succeeded"_s, T0},
        {u"A"_s, u"failed"_s, T0 + 2 * Hour, u"x"_s},
        {u"A"_s, u"skipped"_s, T0 + 3 * Hour}, // did not run: not the latest run
        // A retry re-opened an older row: it is the latest by start, not by id.
        {u"B"_s, u"running"_s, T0 + 5 * Hour, {}, u"retry"_s, T0},
        {u"B"_s, u"succeeded"_s, T0 + 4 * Hour},
        {u"C"_s, u"running"_s, T0},
        {u"D"_s, u"missed"_s, T0},
    }));
    FETCH(latest, history.latestRunPerJob());
    QCOMPARE(latest->size(), 3);
    QCOMPARE(latest->value(u"A"_s).outcome, RunOutcome::Failed);
    QCOMPARE(latest->value(u"A"_s).startedAt, at(T0 + 2 * Hour));
    QCOMPARE(latest->value(u"B"_s).outcome, RunOutcome::Running);
    QCOMPARE(latest->value(u"B"_s).trigger, jc::RunTrigger::Retry);
    QCOMPARE(latest->value(u"C"_s).outcome, RunOutcome::Running);
    QVERIFY(!latest->contains(u"D"_s));
}

void tst_RunHistory::lastSuccessPerJob()
{
    OPEN_HISTORY();
    INSERT((QList<Row>{
        {u"A"_s, u"succeeded"_s, T0, {}, u"scheduled"_s, -1, T0 + 10},
        {u"A"_s, u"succeeded"_s, T0 + Hour, {}, u"scheduled"_s, -1, T0 + Hour + 10},
        {u"A"_s, u"failed"_s, T0 + 2 * Hour, {}, u"scheduled"_s, -1, T0 + 2 * Hour + 10},
        {u"A"_s, u"succeeded"_s, T0 + 3 * Hour, {}, u"manual"_s, -1, T0 + 3 * Hour + 10, true},
        {u"B"_s, u"failed"_s, T0},
    }));
    FETCH(last, history.lastSuccessPerJob());
    QCOMPARE(last->size(), 1);
    QCOMPARE(last->value(u"A"_s), at(T0 + Hour + 10)); // the dry run did no real work
}

void tst_RunHistory::lastOccurrencePerJob()
{
    OPEN_HISTORY();
    INSERT((QList<Row>{
        {u"A"_s, u"succeeded"_s, T0, {}, u"scheduled"_s, T0},
        {u"A"_s, u"succeeded"_s, T0 + 10 * Hour, {}, u"manual"_s, T0 + 10 * Hour},
        {u"A"_s, u"missed"_s, T0 + 3 * Hour, {}, u"scheduled"_s, T0 + 2 * Hour},
        {u"B"_s, u"succeeded"_s, T0 + 5 * Hour, {}, u"catch-up"_s, T0 + 5 * Hour},
        {u"B"_s, u"failed"_s, T0 + 6 * Hour, {}, u"retry"_s, T0 + Hour},
        {u"B"_s, u"skipped"_s, T0 + 4 * Hour, {}, u"scheduled"_s, T0 + 4 * Hour},
        {u"C"_s, u"succeeded"_s, T0, {}, u"manual"_s, T0},
    }));
    FETCH(last, history.lastOccurrencePerJob());
    QCOMPARE(last->size(), 2);
    QCOMPARE(last->value(u"A"_s), T0 + 2 * Hour);
    QCOMPARE(last->value(u"B"_s), T0 + 5 * Hour);
}

void tst_RunHistory::unfinishedLastOccurrencePerJob()
{
    OPEN_HISTORY();
    INSERT((QList<Row>{
        {u"A"_s, u"succeeded"_s, T0, {}, u"scheduled"_s, T0},
        {u"A"_s, u"failed"_s, T0 + Hour, u"x"_s, u"scheduled"_s, T0 + Hour},
        {u"B"_s, u"failed"_s, T0, u"x"_s, u"scheduled"_s, T0},
        {u"B"_s, u"succeeded"_s, T0 + Hour, {}, u"backfill"_s, T0}, // made up for it
        {u"C"_s, u"interrupted"_s, T0, {}, u"scheduled"_s, T0},
        {u"C"_s, u"failed"_s, T0 + Hour, u"x"_s, u"manual"_s, T0 + Hour}, // not an occurrence
        {u"D"_s, u"succeeded"_s, T0, {}, u"scheduled"_s, T0},
    }));
    FETCH(unfinished, history.unfinishedLastOccurrencePerJob());
    QCOMPARE(unfinished->size(), 2);
    QCOMPARE(unfinished->value(u"A"_s), T0 + Hour);
    QCOMPARE(unfinished->value(u"C"_s), T0);
}

// Every per-job read is an index seek per job: no scan of jc_runs and no sort, which would cost
// in proportion to the runs (a year of history is a million). SQLite: EXPLAIN QUERY PLAN has
// only SEARCH steps on jc_runs. PostgreSQL, with sequential scans priced out so that the plan
// shows whether an index can serve at all on a small table: no Seq Scan and no Sort.
void tst_RunHistory::perJobReadsSeekAnIndex()
{
    OPEN_HISTORY();
    QList<Row> rows;
    for (int i = 0; i < 4000; ++i)
        rows.append({u"Job %1"_s.arg(i % 4),
                     i % 50 == 0 ? u"failed"_s : u"succeeded"_s,
                     T0 + i * Hour,
                     {},
                     i % 10 == 0 ? u"manual"_s : u"scheduled"_s});
    INSERT(rows);
    const bool pg = dialect == SqlDialect::Postgres;
    const bool mysql = dialect == SqlDialect::MySql;
    QSqlQuery query(db);
    if (pg)
        QVERIFY(query.exec(u"SET enable_seqscan = off"_s));
    if (mysql)
        QVERIFY(query.exec(u"ANALYZE TABLE jc_runs"_s));
    const QList<jc::PerJobStatement> statements = {
        jc::PerJobReads::jobs(dialect), jc::PerJobReads::latestRun(u"id, error"_s),
        jc::PerJobReads::lastSuccess(), jc::PerJobReads::lastOccurrence(),
        jc::PerJobReads::unfinishedOccurrence()};
    for (const jc::PerJobStatement &statement : statements) {
        jc::SqlStatement::Values values = statement.values;
        if (statement.sql.contains(u"job_name = :job"_s))
            values.insert(u":job"_s, u"Job 1"_s);
        if (statement.sql.contains(u"occurrence_ms = :occurrence"_s))
            values.insert(u":occurrence"_s, T0 + Hour);
        const auto plan = planOf(db, dialect, statement.sql, values);
        QVERIFY2(plan, qPrintable(plan ? QString() : plan.error()));
        // MariaDB: one row per table read; jc_runs read whole (ALL, or a full index walk) or
        // sorted (filesort) is what must not happen.
        const bool mysqlScans = std::any_of(plan->cbegin(), plan->cend(), [](const PlanStep &step) {
            return (!step.table.startsWith(u'<') && step.table != u"jobs"_s &&
                    (step.type == u"ALL"_s || step.type == u"index"_s)) ||
                   step.extra.contains(u"filesort"_s);
        });
        const QString text = textOf(*plan);
        const bool scans =
            mysql ? mysqlScans
            : pg  ? text.contains(u"Seq Scan"_s) || text.contains(u"Sort"_s)
                  : std::any_of(plan->cbegin(), plan->cend(), [](const PlanStep &step) {
                       return (step.text.startsWith(u"SCAN "_s) &&
                               !step.text.startsWith(u"SCAN jobs"_s)) ||
                              step.text.contains(u"TEMP B-TREE"_s);
                   });
        QVERIFY2(!scans, qPrintable(u"%1 scans jc_runs or sorts:\n%2"_s.arg(statement.what, text)));
    }
}

// Pages filtered by several outcomes are read one outcome at a time and merged (RunPages): paged
// to the end with every other filter, they hold exactly the rows a plain filter of every row
// keeps, newest first, each once.
void tst_RunHistory::outcomePagesMatchEveryFilter()
{
    OPEN_HISTORY();
    const QStringList statuses = {u"succeeded"_s, u"failed"_s,    u"succeeded"_s,  u"timed_out"_s,
                                  u"cancelled"_s, u"succeeded"_s, u"missed"_s,     u"skipped"_s,
                                  u"failed"_s,    u"abandoned"_s, u"interrupted"_s};
    QList<Row> rows;
    for (int i = 0; i < 3000; ++i) {
        const QString status = statuses.at(i % statuses.size());
        const bool problem =
            status != u"succeeded"_s && status != u"cancelled"_s && status != u"skipped"_s;
        rows.append({u"job-%1"_s.arg(i % 3), status, T0 + i * Hour,
                     problem ? (i % 4 == 0 ? u"Disk FULL on /var"_s : u"timeout"_s) : QString()});
    }
    INSERT(rows);
    QList<StoredRun> all;
    for (qint64 before = 0;;) {
        FETCH(page, history.runs({.beforeId = before, .limit = 1000}));
        if (page->isEmpty())
            break;
        all += *page;
        before = page->constLast().id;
    }
    QCOMPARE(all.size(), rows.size());

    const QList<RunOutcome> problems = {RunOutcome::Failed, RunOutcome::TimedOut,
                                        RunOutcome::Abandoned, RunOutcome::Interrupted,
                                        RunOutcome::Missed};
    const QList<RunQuery> queries = {
        {.outcomes = problems},
        {.job = u"job-1"_s, .outcomes = problems},
        {.outcomes = {RunOutcome::Failed, RunOutcome::Failed, RunOutcome::Cancelled}},
        {.outcomes = problems, .since = at(T0 + 500 * Hour), .until = at(T0 + 2200 * Hour)},
        {.job = u"job-2"_s, .outcomes = problems, .errorContains = u"disk full"_s},
        {.outcomes = problems, .errorContains = u"no such error"_s},
        {.outcomes = {RunOutcome::Succeeded}},
    };
    for (const RunQuery &query : queries) {
        QList<qint64> expected;
        for (const StoredRun &run : std::as_const(all)) {
            if ((query.job.isEmpty() || run.job == query.job) &&
                query.outcomes.contains(run.outcome) &&
                (!query.since.isValid() || run.startedAt >= query.since) &&
                (!query.until.isValid() || run.startedAt < query.until) &&
                (query.errorContains.isEmpty() ||
                 run.error.contains(query.errorContains, Qt::CaseInsensitive)))
                expected.append(run.id);
        }
        QList<qint64> seen;
        RunQuery paged = query;
        paged.limit = 37;
        for (;;) {
            FETCH(page, history.runs(paged));
            if (page->isEmpty())
                break;
            QVERIFY(page->size() <= paged.limit);
            seen += ids(*page);
            paged.beforeId = page->constLast().id;
        }
        QCOMPARE(seen, expected);
    }
}

// Each branch of a page filtered by outcome reads only its outcome's runs, from an index led by
// status (migration 16's, in id order; or, for a time range, migration 3's (status,
// started_at_ms) and a sort of that range), never by walking jc_runs: a search that no error
// matches costs what the problem runs cost, not what every run does.
void tst_RunHistory::outcomePagesSeekAnIndex()
{
    OPEN_HISTORY();
    QList<Row> rows;
    // One run in 50 a problem, of each kind; one in 50 cancelled; the rest succeeded.
    const QStringList problemStatuses = {u"failed"_s, u"timed_out"_s, u"abandoned"_s,
                                         u"interrupted"_s, u"missed"_s};
    for (int i = 0; i < 20000; ++i) {
        const bool problem = i % 50 == 7;
        const QString other = i % 50 == 21 ? u"cancelled"_s : u"succeeded"_s;
        rows.append({u"Job %1"_s.arg(i % 4),
                     problem ? problemStatuses.at(i / 50 % problemStatuses.size()) : other,
                     T0 + i * Hour, problem ? u"disk full"_s : QString()});
    }
    INSERT(rows);
    const bool pg = dialect == SqlDialect::Postgres;
    const bool mysql = dialect == SqlDialect::MySql;
    QSqlQuery query(db);
    QVERIFY2(query.exec(pg      ? u"ANALYZE jc_runs"_s
                        : mysql ? u"ANALYZE TABLE jc_runs"_s
                                : u"ANALYZE"_s),
             qPrintable(query.lastError().text()));
    const QList<RunOutcome> problems = {RunOutcome::Failed, RunOutcome::TimedOut,
                                        RunOutcome::Abandoned, RunOutcome::Interrupted,
                                        RunOutcome::Missed};
    const QList<std::pair<QString, RunQuery>> pages = {
        {u"error log"_s, {.outcomes = problems, .limit = 200}},
        {u"error log, one job"_s, {.job = u"Job 3"_s, .outcomes = problems, .limit = 200}},
        {u"error log, no match"_s,
         {.outcomes = problems, .errorContains = u"no such error"_s, .limit = 200}},
        {u"error log, a week, deep"_s,
         {.outcomes = problems, .since = at(T0 + 19000 * Hour), .beforeId = 10000, .limit = 200}},
        {u"history, cancelled"_s,
         {.job = u"Job 1"_s, .outcomes = {RunOutcome::Cancelled}, .limit = 200}},
    };
    for (const auto &[what, page] : pages) {
        const jc::RunPageStatement statement = jc::RunPages::page(page, dialect, u"id, error"_s);
        const auto plan = planOf(db, dialect, statement.sql, statement.values);
        QVERIFY2(plan, qPrintable(plan ? QString() : plan.error()));
        QStringList runReads; // each step that reads jc_runs (PostgreSQL: or an index of it)
        for (const PlanStep &planStep : *plan) {
            const QString step = planStep.text.trimmed().remove(u"->  "_s);
            if (mysql ? planStep.table == u"jc_runs"_s
                : pg  ? step.contains(u" on jc_runs"_s)
                      : step.contains(u"jc_runs"_s))
                runReads.append(step);
        }
        const QString text = textOf(*plan);
        QVERIFY2(!runReads.isEmpty(), qPrintable(text));
        for (const QString &read : std::as_const(runReads)) {
            const bool seeks =
                mysql ? (read.contains(u" ref key=ix_jc_runs_status_"_s) ||
                         read.contains(u" range key=ix_jc_runs_status_"_s))
                : pg  ? read.contains(u"Scan using ix_jc_runs_status_"_s) ||
                           read.contains(u"Scan Backward using ix_jc_runs_status_"_s) ||
                           read.startsWith(u"Bitmap Heap Scan on jc_runs"_s)
                     : read.startsWith(u"SEARCH jc_runs USING INDEX ix_jc_runs_status_"_s) ||
                           read.startsWith(
                               u"SEARCH jc_runs USING COVERING INDEX ix_jc_runs_status_"_s);
            // MariaDB may intersect two status indexes and sort the result: the session turns
            // that off (MySqlConnector).
            QVERIFY2(seeks && !read.contains(u"intersect("_s),
                     qPrintable(u"%1 reads runs of other outcomes:\n%2"_s.arg(what, text)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_RunHistory)
#include "tst_runhistory.moc"
