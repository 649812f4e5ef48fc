#include "seed/DemoDatabase.h"

#include "engine/SystemClock.h"
#include "jobs/OrphanedUploadsCleanupJob.h"
#include "storage/AppDatabase.h"
#include "storage/JobSettingsStore.h"
#include "storage/StorageLog.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace jc {

QString DemoDatabase::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/demo");
}

Expected<std::shared_ptr<ConnectionFactory>, QString> DemoDatabase::open(const QString &folder)
{
    const QString file = QDir(folder).absoluteFilePath(QStringLiteral("demo.db"));
    const QString uploads = QDir(folder).absoluteFilePath(QStringLiteral("uploads"));
    const bool fresh = !QFileInfo::exists(file);
    if (fresh && !QDir().mkpath(folder))
        return Unexpected(
            QStringLiteral("Cannot create the demo folder %1: check its permissions, or "
                           "open another database with --db URL.")
                .arg(QDir::toNativeSeparators(folder)));
    auto database =
        AppDatabase::open(QStringLiteral("sqlite:") + file, AppDatabase::Access::ReadWrite,
                          AppDatabase::IfMissing::Create);
    if (!database || !fresh)
        return database;

    const auto discard = [&](const QString &error) {
        database.value()->closeAll();
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(file + suffix);
        return QStringLiteral("Cannot create the demo database in %1: %2")
            .arg(QDir::toNativeSeparators(folder), error);
    };
    DemoDataSet::Options options;
    options.uploadsDir = uploads;
    const auto report = DemoDataSet::write(*database.value(), options);
    if (!report)
        return Unexpected(discard(report.error()));
    const auto pointed =
        pointUploadsCleanupAt(database.value(), uploads, QStringLiteral("jobconsole demo"));
    if (!pointed)
        return Unexpected(discard(pointed.error()));
    qCInfo(lcStorage).noquote() << "created the demo database" << file << "with uploads in"
                                << uploads;
    return database;
}

Expected<void, QString>
DemoDatabase::pointUploadsCleanupAt(const std::shared_ptr<ConnectionFactory> &connections,
                                    const QString &uploadsDir, const QString &changedBy)
{
    JobSettingsStore store(connections);
    auto all = store.all();
    if (!all)
        return Unexpected(all.error());
    const QString job = QString::fromLatin1(OrphanedUploadsCleanupJob::name);
    QJsonObject settings = all->value(job);
    settings.insert(QStringLiteral("uploadsDir"), QDir(uploadsDir).absolutePath());
    const auto stored = store.set(job, settings, changedBy, SystemClock::wallMSecs());
    if (!stored)
        return Unexpected(stored.error());
    return {};
}

} // namespace jc
