#pragma once

#include "common/Expected.h"
#include "engine/SystemClock.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QTimeZone>

namespace jc {

// The demo data set (`jobctl seed --demo`): a small, realistic app database and uploads tree
// so that the console has something true to show on its first start, and every job something
// to do:
//  - 300 users with limits 10, 25 and custom (30, 40), balances empty, partial, full and above
//    the limit, some paid credits; their credit_adjustments (top-ups per period, purchases,
//    admin corrections, gifts);
//  - purchases in every status and of many ages (stale ones on both sides of 7 days);
//  - blocks with site-relative, absolute own-site and external image URLs, markdown that
//    mentions uploads, photo tasks; team_block_states with player photos ({"images": [...]});
//  - an uploads tree with referenced, orphaned and too-young files, cached resized copies
//    (.cache/<size>/Y/M/D/file) and an empty date folder;
//  - run history for every job (DemoRunHistory).
// Refuses a database that already has users or runs: the demo is for a fresh database.
// All rows go in one transaction, written together with the files: on any failure nothing
// stays, neither rows nor files. Deterministic for a given seed and `now`. Calling thread.
class DemoDataSet
{
public:
    struct Options
    {
        QString uploadsDir;
        QString siteUrl = QStringLiteral("https://game.example.org");
        quint64 seed = 1;
        QDateTime now = SystemClock::wallTime();
        QTimeZone zone = QTimeZone::systemTimeZone(); // the jobs' schedule zone
    };

    struct Report
    {
        QMap<int, int> usersByLimit;
        QMap<QString, int> purchasesByStatus;
        int adjustments = 0;
        int blocks = 0;
        int teamBlockStates = 0;
        int filesReferenced = 0;
        int filesOrphaned = 0;
        int filesTooYoung = 0;
        int cachedCopies = 0;
        qint64 bytesWritten = 0;
        QMap<QString, int> runsByJob;
        QMap<QString, int> runsByStatus;
    };

    static Expected<Report, QString> write(ConnectionFactory &connections, const Options &options);
};

} // namespace jc
