#pragma once

#include "common/Expected.h"
#include "engine/SystemClock.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace jc {

// Large data sets for benchmarks (`jobctl seed --users N --purchases N --blocks N --files N`):
// N rows of each, generated quickly with multi-row INSERTs (RowBatcher) inside big
// transactions (one per `rowsPerTransaction` rows: a crash loses at most the chunk under
// way, and neither database has to hold a million-row transaction), then ANALYZE, so that the
// planner sees the new sizes before anything is measured. On PostgreSQL it is VACUUM (ANALYZE):
// a live application's tables have been vacuumed by autovacuum long ago; fresh rows are not,
// and the first statement to read them would pay for setting every page's hint bits and
// all-visible flag (a write of each page), which no real run pays.
//
// Rows are added to what is there. Ids are computed from the seed and the row's index
// (SeedIds::indexed), so a million users are referred to without being kept in memory, and a
// seed repeats the same rows: seeding the same database twice with one seed collides on the
// keys (the error says so). Purchases and blocks belong to the users generated in the same
// run, or, with --users 0, to the users already in the database.
//
// Uploads: `files` files under the uploads root (<Y>/<M>/<D>/<id><ext>, dates over two years,
// one in fifty too young for the cleanup, one in five with a cached copy); blocks refer to
// them by relative and absolute URLs (and to external URLs), so a share of them is
// referenced and the rest orphaned. Calling thread.
class BulkDataGenerator
{
public:
    // Rows of each table, and files of the uploads tree.
    struct Counts
    {
        qint64 users = 0;
        qint64 purchases = 0;
        qint64 blocks = 0;
        qint64 files = 0;
    };

    struct Options
    {
        Counts wanted;
        quint64 seed = 1;
        QString uploadsDir;
        QString siteUrl = QStringLiteral("https://game.example.org");
        QDateTime now = SystemClock::wallTime();
        qint64 rowsPerTransaction = 100000;
        // Told every few thousand rows: what ("users"), how many done, of how many.
        std::function<void(const QString &what, qint64 done, qint64 total)> progress;
    };

    struct Report
    {
        Counts written;
        qint64 bytesWritten = 0; // the files'
    };

    static Expected<Report, QString> write(ConnectionFactory &connections, const Options &options);

    // The relative path of bulk file `index` of a run with `seed` (what its blocks refer to).
    static QString filePath(quint64 seed, qint64 index, const QDateTime &now);
};

} // namespace jc
