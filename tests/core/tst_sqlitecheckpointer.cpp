// SqliteCheckpointer: a writer that does not checkpoint itself, and a log that still starts over.
// Real SQLite files, real threads; no timing: what is checked is how large the log grows and
// what the database holds.

#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqliteCheckpointer.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace jc;

namespace {

constexpr int rows = 4000;
constexpr int rowsPerCommit = 100; // every 40th row: 100 pages (a row has a page of its own)
constexpr qint64 limit = 1000;     // frames
constexpr qint64 frameBytes = 24 + 4096;

QSqlQuery exec(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        qFatal("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return query;
}

qint64 integer(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query = exec(db, sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

} // namespace

class tst_SqliteCheckpointer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void aWriterThePassesKeepUpWithNeverWaits();
    void theLogStartsOverWhileTheWriterGoesOn();
    void aReaderThatHoldsOldPagesIsNotWaitedFor();
    void withoutItsConnectionThereIsNone();

private:
    QSqlDatabase writer();
    // One transaction of the writer that rewrites `rowsPerCommit` rows on as many pages.
    void commitOnce(const QSqlDatabase &db, int round);
    [[nodiscard]] qint64 logBytes() const;
    static void expectEveryRowRewritten(const QSqlDatabase &db);

    std::unique_ptr<QTemporaryDir> m_dir; // one per test
    std::unique_ptr<ConnectionFactory> m_factory;
};

void tst_SqliteCheckpointer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ConnectionOptions options;
    options.createMissingSqliteFile = true;
    m_factory = std::make_unique<ConnectionFactory>(
        DatabaseUrl::parse(m_dir->filePath(QStringLiteral("db.sqlite"))).value(), options);
    const QSqlDatabase db = writer();
    exec(db, QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB NOT NULL)"));
    exec(db, QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            "WHERE i < %1) INSERT INTO t SELECT i, zeroblob(3000) FROM n")
                 .arg(rows));
    exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    exec(db, QStringLiteral("PRAGMA wal_autocheckpoint = 0")); // as the top-up does
}

void tst_SqliteCheckpointer::cleanup()
{
    m_factory.reset();
    m_dir.reset();
}

QSqlDatabase tst_SqliteCheckpointer::writer()
{
    return m_factory->connectionForCurrentThread().value();
}

void tst_SqliteCheckpointer::commitOnce(const QSqlDatabase &db, int round)
{
    exec(db, QStringLiteral("BEGIN IMMEDIATE"));
    exec(db, QStringLiteral("UPDATE t SET pad = randomblob(3000) WHERE id % %1 = %2")
                 .arg(rows / rowsPerCommit)
                 .arg(round % (rows / rowsPerCommit)));
    exec(db, QStringLiteral("COMMIT"));
}

qint64 tst_SqliteCheckpointer::logBytes() const
{
    return QFileInfo(m_dir->filePath(QStringLiteral("db.sqlite-wal"))).size();
}

// A checkpointer that keeps up (each pass ends before the next commit) never makes the writer
// wait: everything is copied at every BEGIN, and SQLite starts the log over by itself.
void tst_SqliteCheckpointer::aWriterThePassesKeepUpWithNeverWaits()
{
    const QSqlDatabase db = writer();
    auto checkpointer = SqliteCheckpointer::start(*m_factory, limit);
    QVERIFY(checkpointer);
    qint64 largest = 0;
    for (int round = 0; round < 200; ++round) {
        commitOnce(db, round);
        checkpointer->afterCommit();
        checkpointer->waitForPasses();
        largest = std::max(largest, logBytes());
    }
    QCOMPARE(checkpointer->figures().waits, 0);
    QVERIFY(checkpointer->figures().passes >= 200);
    QVERIFY2(largest <= 2 * (rowsPerCommit + 5) * frameBytes + 32,
             qPrintable(QStringLiteral("the log grew to %1 frames").arg(largest / frameBytes)));
    checkpointer.reset();
    expectEveryRowRewritten(db);
}

// The writer going on while the passes run, as the top-up does: 200 commits of ~100 pages,
// 20,000 frames (80 MB) of log if nothing started it over. Whatever the passes and the commits
// interleave to, the database holds every commit and is sound, and the log started over: how
// often depends on how fast the disk syncs, so the bound is loose (three quarters of it all;
// the writer waits as soon as a pass has seen 1,000 frames).
void tst_SqliteCheckpointer::theLogStartsOverWhileTheWriterGoesOn()
{
    const QSqlDatabase db = writer();
    auto checkpointer = SqliteCheckpointer::start(*m_factory, limit);
    QVERIFY(checkpointer);
    for (int round = 0; round < 200; ++round) {
        commitOnce(db, round);
        checkpointer->afterCommit();
    }
    const qint64 written = 200 * rowsPerCommit * frameBytes;
    QVERIFY2(logBytes() <= written * 3 / 4,
             qPrintable(QStringLiteral("the log grew to %1 frames").arg(logBytes() / frameBytes)));
    checkpointer.reset();
    expectEveryRowRewritten(db);
    // The destructor's last pass copied everything: the file alone holds it now.
    QSqlQuery checkpoint = exec(db, QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    QVERIFY(checkpoint.next());
    QCOMPARE(checkpoint.value(1).toLongLong(), checkpoint.value(2).toLongLong());
}

void tst_SqliteCheckpointer::expectEveryRowRewritten(const QSqlDatabase &db)
{
    QSqlQuery check = exec(db, QStringLiteral("PRAGMA integrity_check"));
    QVERIFY(check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
    // Every row was rewritten 5 times with random bytes: none is the zeroblob any more.
    QCOMPARE(integer(db, QStringLiteral("SELECT COUNT(*) FROM t WHERE pad = zeroblob(3000)")), 0);
    QCOMPARE(integer(db, QStringLiteral("SELECT COUNT(*) FROM t")), rows);
}

// A read transaction elsewhere (a console) keeps the pages it reads from being copied. The writer
// must not wait for a pass at every commit then: only each time the log grew by the limit again.
// Once the reader is gone, the log starts over.
void tst_SqliteCheckpointer::aReaderThatHoldsOldPagesIsNotWaitedFor()
{
    const QSqlDatabase db = writer();
    QSqlDatabase reader =
        QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("reader"));
    reader.setDatabaseName(m_dir->filePath(QStringLiteral("db.sqlite")));
    QVERIFY(reader.open());
    auto checkpointer = SqliteCheckpointer::start(*m_factory, limit);
    QVERIFY(checkpointer);
    commitOnce(db, 0);
    checkpointer->afterCommit();
    exec(reader, QStringLiteral("BEGIN"));
    QCOMPARE(integer(reader, QStringLiteral("SELECT COUNT(*) FROM t")), rows);
    const int commits = 100; // ~10,000 frames: ten times the limit
    for (int round = 1; round <= commits; ++round) {
        commitOnce(db, round);
        checkpointer->afterCommit();
    }
    const auto held = checkpointer->figures();
    QVERIFY2(held.waits <= 12, qPrintable(QStringLiteral("%1 waits").arg(held.waits)));
    QVERIFY(held.copiedFrames < held.logFrames); // held short by the reader
    exec(reader, QStringLiteral("COMMIT"));
    reader.close();
    reader = {};
    QSqlDatabase::removeDatabase(QStringLiteral("reader"));
    // The log now has ~10,000 frames; the first pass copies them all, and the log starts over.
    const qint64 before = logBytes();
    for (int round = 0; round < 40; ++round) {
        commitOnce(db, round);
        checkpointer->afterCommit();
        checkpointer->waitForPasses();
    }
    const auto after = checkpointer->figures();
    QVERIFY2(after.logFrames < before / frameBytes,
             qPrintable(QStringLiteral("%1 frames in the log, %2 before")
                            .arg(after.logFrames)
                            .arg(before / frameBytes)));
}

// A database it cannot open: no checkpointer, and the writer keeps checkpointing itself.
void tst_SqliteCheckpointer::withoutItsConnectionThereIsNone()
{
    ConnectionFactory missing(
        DatabaseUrl::parse(m_dir->filePath(QStringLiteral("no/such/folder/db.sqlite"))).value());
    QVERIFY(!SqliteCheckpointer::start(missing, limit));
}

QTEST_GUILESS_MAIN(tst_SqliteCheckpointer)
#include "tst_sqlitecheckpointer.moc"
