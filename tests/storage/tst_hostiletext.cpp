// Hostile text through every user-facing name and filter of the storage layer (issue 7,
// security): quotes, `%`, `_`, `;`, backslash, `--`, an SQL injection attempt and Unicode, as
// job names, who, why, error texts, log lines, settings keys and values. Each is stored and
// returned byte for byte, `%` and `_` match only themselves, and no table is damaged. Every
// value reaches SQL as a bound parameter; these tests fail if one is ever spliced into it.
#include "storage/ConnectionFactory.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"
#include "storage/SqlRunJournal.h"

#include "TestDatabases.h"

#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::RunJournal;
using jc::RunOutcome;
using jc::SqlDialect;
using jc::StoredRun;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QDateTime at(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

// The hostile values. Each is also a job name, so each must find exactly its own rows.
const QStringList &hostile()
{
    static const QStringList values{
        u"it's"_s,
        u"say \"hi\""_s,
        u"100%"_s,
        u"%"_s,
        u"a_b"_s,
        u"_"_s,
        u"semi;colon"_s,
        u"back\\slash"_s,
        u"-- comment"_s,
        u"x'; DROP TABLE jc_runs; --"_s,
        u"Robert'); DELETE FROM jc_job_pauses; --"_s,
        u"Gr\u00fc\u00dfe \u65e5\u672c\u8a9e \U0001F680 \u05e9\u05dc\u05d5\u05dd"_s,
    };
    return values;
}

// Names a wildcard would also match: "100%" as a pattern matches "100X", "a_b" matches "axb",
// "%" and "_" match everything.
const QStringList &decoys()
{
    static const QStringList values{u"100X"_s, u"axb"_s, u"x"_s, u"back\\\\slash"_s,
                                    u"backslash"_s};
    return values;
}

QStringList allNames()
{
    return hostile() + decoys();
}

// Every table's name and row count: what "no table damaged" is compared on. SQLite's own
// sqlite_sequence counts the tables that have had inserts, so it is left out.
QMap<QString, qint64> tablesAndCounts(QSqlDatabase db)
{
    QMap<QString, qint64> result;
    for (const QString &table : db.tables()) {
        if (table.startsWith(u"sqlite_"_s))
            continue;
        QSqlQuery query(db);
        if (!query.exec(u"SELECT COUNT(*) FROM "_s + table) || !query.next())
            result.insert(table, -1);
        else
            result.insert(table, query.value(0).toLongLong());
    }
    return result;
}

QString utf8Differs(const QString &what, const QString &expected, const QString &actual)
{
    if (expected.toUtf8() == actual.toUtf8())
        return {};
    return u"%1: expected \"%2\", got \"%3\""_s.arg(what, expected, actual);
}

} // namespace

// Gives the test function a migrated database: `database`, `factory`, `db`.
#define OPEN_DATABASE()                                                                            \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = std::make_shared<ConnectionFactory>(database.url());                            \
    const auto connection = factory->connectionForCurrentThread();                                 \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection;                                                                 \
    const auto migrated = jc::Migrator().migrate(db);                                              \
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()))

// Evaluates `expression` (an Expected) once into `name`, failing the test with its error.
#define FETCH(name, expression)                                                                    \
    const auto name = (expression);                                                                \
    QVERIFY2(name, qPrintable(name ? QString() : name.error()))

#define VERIFY_SAME(what, expected, actual)                                                        \
    do {                                                                                           \
        const QString differs_ = utf8Differs(what, expected, actual);                              \
        QVERIFY2(differs_.isEmpty(), qPrintable(differs_));                                        \
    } while (false)

class tst_HostileText : public QObject
{
    Q_OBJECT

private slots:
    // Runs recorded through the journal (the scheduler's own write path) with hostile job
    // names, requester, reason, error, log lines and summary; read back through every
    // RunHistory filter: job, error search, outcomes, date range, and by id.
    void runHistoryIsLiteral_data() { jc::test::addDatabaseRowsWithMySql(); }
    void runHistoryIsLiteral()
    {
        OPEN_DATABASE();
        jc::SqlRunJournal journal(factory);
        const jc::RunHistory history(factory);
        const QMap<QString, qint64> tablesBefore = tablesAndCounts(db);
        QVERIFY(tablesBefore.contains(u"jc_runs"_s));

        // One failed manual run per name, an hour apart, its texts all the name itself.
        const QStringList names = allNames();
        QHash<QString, qint64> idOf;
        for (qsizetype i = 0; i < names.size(); ++i) {
            const QString &name = names.at(i);
            const qint64 start = T0 + i * Hour;
            jc::RunInfo info;
            info.job = name;
            info.trigger = jc::RunTrigger::Manual;
            info.occurrence = at(start);
            info.startedAt = at(start);
            info.requestedBy = name;
            info.reason = name;
            const auto claim = journal.claim({info,
                                              RunJournal::occurrenceKey(info),
                                              jc::OverlapPolicy::Parallel,
                                              start,
                                              60'000,
                                              name,
                                              {}});
            QVERIFY2(claim.status == RunJournal::Claim::Status::Claimed,
                     qPrintable(name + u": "_s + claim.message));
            jc::RunRecord record;
            record.info = info;
            record.outcome = RunOutcome::Failed;
            record.finishedAt = at(start + 1000);
            record.error = name;
            record.summary = QJsonObject{{name, name}};
            const QList<jc::LogLine> log{
                {start + 10, jc::LogLevel::Error, name, {{name, name}, {u"k"_s, name}}}};
            const auto finished = journal.finish(claim.storedRunId, record, log, 0);
            QVERIFY2(finished, qPrintable(finished ? QString() : finished.error()));
            idOf.insert(name, claim.storedRunId);
        }

        for (qsizetype i = 0; i < names.size(); ++i) {
            const QString &name = names.at(i);
            const qint64 start = T0 + i * Hour;

            // By job: exactly its own run, every text as it was given.
            FETCH(byJob, history.runs({.job = name}));
            QVERIFY2(byJob->size() == 1,
                     qPrintable(u"job %1: %2 runs"_s.arg(name).arg(byJob->size())));
            const StoredRun &run = byJob->constFirst();
            QCOMPARE(run.id, idOf.value(name));
            VERIFY_SAME(u"job"_s, name, run.job);
            VERIFY_SAME(u"requested by"_s, name, run.requestedBy);
            VERIFY_SAME(u"reason"_s, name, run.reason);
            VERIFY_SAME(u"error"_s, name, run.error);
            VERIFY_SAME(u"instance"_s, name, run.instanceId);
            QCOMPARE(run.summary, (QJsonObject{{name, name}}));
            FETCH(byId, history.run(run.id));
            QVERIFY(byId->has_value());
            VERIFY_SAME(u"job by id"_s, name, (*byId)->job);
            FETCH(lines, history.logLines(run.id, -1, 10));
            QCOMPARE(lines->size(), 1);
            VERIFY_SAME(u"log message"_s, name, lines->constFirst().message);
            VERIFY_SAME(u"log field"_s, name, lines->constFirst().fields.value(name).toString());
            VERIFY_SAME(u"log field k"_s, name,
                        lines->constFirst().fields.value(u"k"_s).toString());

            // The error search matches literally: every error containing the text, no more.
            FETCH(bySearch, history.runs({.errorContains = name}));
            QSet<QString> found;
            for (const StoredRun &r : *bySearch)
                found.insert(r.error);
            QSet<QString> expected;
            for (const QString &other : names) {
                if (other.contains(name, Qt::CaseInsensitive))
                    expected.insert(other);
            }
            QVERIFY2(found == expected,
                     qPrintable(u"search \"%1\" found: %2"_s.arg(
                         name, QStringList(found.cbegin(), found.cend()).join(u" | "_s))));

            // Filters combine with AND around the hostile one.
            FETCH(combined, history.runs({.job = name,
                                          .outcomes = {RunOutcome::Failed},
                                          .since = at(start),
                                          .until = at(start + 1),
                                          .errorContains = name}));
            QCOMPARE(combined->size(), 1);
            FETCH(otherOutcome, history.runs({.job = name, .outcomes = {RunOutcome::Succeeded}}));
            QCOMPARE(otherOutcome->size(), 0);
            FETCH(before, history.runs({.job = name, .until = at(start)}));
            QCOMPARE(before->size(), 0);
        }
        // "%" and "_" alone (both in the list above) found only the texts holding them.
        FETCH(percent, history.runs({.errorContains = u"%"_s}));
        QCOMPARE(percent->size(), 2); // "100%" and "%"

        // Per-job reads group by the literal names too.
        FETCH(latest, history.latestRunPerJob());
        QCOMPARE(QSet<QString>(latest->keyBegin(), latest->keyEnd()),
                 QSet<QString>(names.cbegin(), names.cend()));

        // Nothing was dropped or deleted: the same tables, each with the rows it had plus
        // those written here.
        const QMap<QString, qint64> tablesAfter = tablesAndCounts(db);
        QCOMPARE(tablesAfter.keys(), tablesBefore.keys());
        QCOMPARE(tablesAfter.value(u"jc_runs"_s), qint64(names.size()));
        QCOMPARE(tablesAfter.value(u"jc_run_logs"_s), qint64(names.size()));
        for (auto it = tablesBefore.cbegin(); it != tablesBefore.cend(); ++it) {
            if (it.key() != u"jc_runs"_s && it.key() != u"jc_run_logs"_s)
                QVERIFY2(tablesAfter.value(it.key()) == it.value(), qPrintable(it.key()));
        }
    }

    // Pauses with hostile job names, who and why: stored and read back literally; resuming
    // a name resumes that job only (no pattern in the DELETE).
    void pausesAreLiteral_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pausesAreLiteral()
    {
        OPEN_DATABASE();
        jc::PauseStore store(factory);
        const QStringList names = allNames();
        for (const QString &name : names) {
            FETCH(paused, store.pause(name, name, name, std::nullopt, T0));
        }
        FETCH(pauses, store.all());
        QCOMPARE(pauses->size(), names.size());
        for (const QString &name : names) {
            QVERIFY2(pauses->contains(name), qPrintable(name));
            VERIFY_SAME(u"paused by"_s, name, pauses->value(name).pausedBy);
            VERIFY_SAME(u"reason"_s, name, pauses->value(name).reason);
        }

        // Pausing again replaces that one pause only.
        const QString injection = u"x'; DROP TABLE jc_runs; --"_s;
        FETCH(again, store.pause(injection, u"bob"_s, u"50% off_"_s, std::nullopt, T0 + Hour));
        // "%", "_" and "a_b" are real jobs here: each resume removes exactly that one.
        for (const QString &name : {u"%"_s, u"_"_s, u"a_b"_s, u"100%"_s, injection}) {
            FETCH(resumed, store.resume(name, name, T0 + Hour));
            QVERIFY2(*resumed, qPrintable(name));
        }
        FETCH(notPaused, store.resume(u"a%"_s, u"bob"_s, T0 + Hour));
        QVERIFY(!*notPaused);
        FETCH(left, store.all());
        QCOMPARE(left->size(), names.size() - 5);
        for (const QString &decoy : decoys())
            QVERIFY2(left->contains(decoy), qPrintable(decoy));
        QVERIFY(!left->contains(injection));
        VERIFY_SAME(u"reason"_s, u"it's"_s, left->value(u"it's"_s).reason);
        QVERIFY(tablesAndCounts(db).contains(u"jc_runs"_s));
    }

    // Job settings with hostile job names, keys, values and who: stored and read back
    // literally, each change in its own job's history.
    void settingsAreLiteral_data() { jc::test::addDatabaseRowsWithMySql(); }
    void settingsAreLiteral()
    {
        OPEN_DATABASE();
        jc::JobSettingsStore store(factory);
        const QStringList names = allNames();
        for (qsizetype i = 0; i < names.size(); ++i) {
            const QString &name = names.at(i);
            const QJsonObject settings{{name, name}, {u"uploadsDir"_s, name}};
            FETCH(before, store.set(name, settings, name, T0 + i));
            QCOMPARE(*before, QJsonObject());
        }
        FETCH(all, store.all());
        QCOMPARE(all->size(), names.size());
        for (const QString &name : names) {
            const QJsonObject settings = all->value(name);
            VERIFY_SAME(u"value"_s, name, settings.value(name).toString());
            VERIFY_SAME(u"uploadsDir"_s, name, settings.value(u"uploadsDir"_s).toString());
            FETCH(changes, store.changes(name, 10));
            QVERIFY2(changes->size() == 1,
                     qPrintable(u"%1: %2 changes"_s.arg(name).arg(changes->size())));
            VERIFY_SAME(u"job"_s, name, changes->constFirst().job);
            VERIFY_SAME(u"changed by"_s, name, changes->constFirst().changedBy);
            QCOMPARE(changes->constFirst().after, settings);
        }
        FETCH(none, store.changes(u"a%"_s, 10));
        QVERIFY(none->isEmpty());
        const QMap<QString, qint64> tables = tablesAndCounts(db);
        QCOMPARE(tables.value(u"jc_job_settings"_s), qint64(names.size()));
        QCOMPARE(tables.value(u"jc_job_changes"_s), qint64(names.size()));
        QVERIFY(tables.contains(u"jc_runs"_s));
    }
};

QTEST_GUILESS_MAIN(tst_HostileText)
#include "tst_hostiletext.moc"
