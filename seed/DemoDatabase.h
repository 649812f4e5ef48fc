#pragma once

#include "common/Expected.h"
#include "seed/DemoDataSet.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <memory>

namespace jc {

// The console's demo database: what `jobconsole` opens when nothing is configured (or with
// --demo). A SQLite file `demo.db` and an `uploads` folder in `folder` (by default
// <AppDataLocation>/demo), filled with the demo data set (DemoDataSet) the first time, and
// the uploads cleanup pointed at that folder through its stored `uploadsDir` setting, so that
// every job has true work to do. It is never the user's default database (jobconsole.db),
// which stays empty until the admin configures one.
//
// Thread: the calling thread (the GUI thread at start-up, before the window shows).
class DemoDatabase
{
public:
    static QString defaultFolder();

    // Opens the demo database in `folder`, creating and filling it when demo.db does not exist
    // yet. On a failure while filling, the half-made file is removed, so the next start
    // tries again from scratch.
    static Expected<std::shared_ptr<ConnectionFactory>, QString> open(const QString &folder);

    // Stores the uploads cleanup's `uploadsDir` setting in `connections`' database, recorded
    // as changed by `changedBy` (the demo: "jobctl seed", "jobconsole").
    static Expected<void, QString>
    pointUploadsCleanupAt(const std::shared_ptr<ConnectionFactory> &connections,
                          const QString &uploadsDir, const QString &changedBy);
};

} // namespace jc
