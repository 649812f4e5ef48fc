#include "jobs/OrphanedUploadsCleanupJob.h"

#include "jobs/BuiltInDefinition.h"

#include "engine/JobContext.h"
#include "jobs/UploadReferenceSet.h"
#include "jobs/UploadTreeSweeper.h"
#include "jobs/UploadUrl.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace jc {

namespace {

const QString uploadsDirKey = QStringLiteral("uploadsDir");
const QString siteUrlKey = QStringLiteral("siteUrl");
const QString sourcesKey = QStringLiteral("referenceSources");
const QString graceKey = QStringLiteral("gracePeriodHours");
const QString batchKey = QStringLiteral("batchSize");

std::optional<QString> checkSources(const QVariant &value)
{
    for (const QString &source : value.toStringList()) {
        if (!UploadReferenceSet::isValidSource(source))
            return QStringLiteral("\"%1\" is not table.column (letters, digits and _ only, "
                                  "like blocks.data)")
                .arg(source);
    }
    return std::nullopt;
}

// Why the uploads root cannot be swept, or nothing.
std::optional<QString> checkRoot(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("UPLOADS_DIR: the uploads folder \"%1\" does not exist; set "
                              "UPLOADS_DIR (or the job's uploadsDir) to the app's "
                              "static/uploads folder")
            .arg(info.absoluteFilePath());
    if (!info.isDir())
        return QStringLiteral("UPLOADS_DIR: \"%1\" is not a folder; set UPLOADS_DIR (or the "
                              "job's uploadsDir) to the app's static/uploads folder")
            .arg(info.absoluteFilePath());
    return std::nullopt;
}

// Why SITE_URL cannot be used, or nothing. Settings from the catalog were checked already
// (SettingValues), but run() may be handed any: without a scheme or host, the site's own
// absolute URLs would look foreign and the files only they name would be deleted.
std::optional<QString> checkSiteUrl(const QString &siteUrl)
{
    if (siteUrl.trimmed().isEmpty())
        return std::nullopt;
    const QList<SettingSpec> specs = OrphanedUploadsCleanupJob::settingSpecs();
    const auto spec = std::find_if(specs.cbegin(), specs.cend(),
                                   [](const SettingSpec &s) { return s.key == siteUrlKey; });
    const auto parsed = SettingValues::parse(*spec, siteUrl);
    if (parsed)
        return std::nullopt;
    return QStringLiteral("SITE_URL: %1; set SITE_URL (or the job's siteUrl) to the app's full "
                          "address. Nothing was deleted")
        .arg(parsed.error());
}

} // namespace

QString OrphanedUploadsCleanupJob::defaultUploadsDir()
{
    return QDir::current().filePath(QStringLiteral("static/uploads"));
}

QList<SettingSpec> OrphanedUploadsCleanupJob::settingSpecs()
{
    const Settings defaults;
    return {
        {uploadsDirKey,
         QStringLiteral("Uploads folder"),
         QStringLiteral("UPLOADS_DIR"),
         SettingSpec::Kind::Path,
         defaults.uploadsDir,
         0,
         0,
         QStringLiteral("The app's uploads root (static/uploads under its working folder)"),
         {}},
        {siteUrlKey,
         QStringLiteral("Site address"),
         QStringLiteral("SITE_URL"),
         SettingSpec::Kind::Url,
         QString(),
         0,
         0,
         QStringLiteral("The app's own address; absolute URLs under it are local uploads "
                        "(empty: only /static/uploads/ URLs are)"),
         {}},
        {sourcesKey, QStringLiteral("Reference sources"), QString(), SettingSpec::Kind::List,
         defaults.referenceSources, 0, 0,
         QStringLiteral("table.column list whose (JSON) text references uploads"), checkSources},
        {graceKey,
         QStringLiteral("Grace period (hours)"),
         QString(),
         SettingSpec::Kind::Integer,
         qint64(defaults.gracePeriod.count()),
         0,
         8760,
         QStringLiteral("Unreferenced files younger than this many hours are kept"),
         {}},
        {batchKey,
         QStringLiteral("Batch size"),
         QString(),
         SettingSpec::Kind::Integer,
         defaults.batchSize,
         1,
         100000,
         QStringLiteral("Reference rows read per query"),
         {}},
    };
}

Expected<OrphanedUploadsCleanupJob::Settings, QString>
OrphanedUploadsCleanupJob::settingsFrom(const SettingValues &values)
{
    Settings settings;
    settings.uploadsDir = values.text(uploadsDirKey);
    settings.siteUrl = values.text(siteUrlKey);
    settings.referenceSources = values.list(sourcesKey);
    settings.gracePeriod = std::chrono::hours(values.integer(graceKey));
    settings.batchSize = int(values.integer(batchKey));
    if (auto why = checkSources(settings.referenceSources))
        return Unexpected(sourcesKey + QStringLiteral(": ") + *why);
    return settings;
}

JobDefinition OrphanedUploadsCleanupJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                    const QTimeZone &zone, Settings settings)
{
    const QString description =
        QStringLiteral("Deletes upload files in %1 that no block references, older than %2 h, "
                       "then empty date folders")
            .arg(QDir::toNativeSeparators(settings.uploadsDir))
            .arg(settings.gracePeriod.count());
    return builtInDefinition(
        name, description, QStringLiteral("daily"), zone,
        [database = std::move(database), settings = std::move(settings)](JobContext &context) {
            return run(context, *database, settings, context.startedAt());
        });
}

JobResult OrphanedUploadsCleanupJob::run(JobContext &context, ConnectionFactory &database,
                                         const Settings &settings, const QDateTime &now)
{
    if (auto why = checkRoot(settings.uploadsDir))
        return JobResult::failure(*why);
    if (auto why = checkSiteUrl(settings.siteUrl))
        return JobResult::failure(*why);
    // No source, no reference: every upload would look orphaned. SettingValues refuses an
    // empty list; run() may be handed any settings.
    if (settings.referenceSources.isEmpty())
        return JobResult::failure(
            QStringLiteral("referenceSources: the list is empty; without a reference source "
                           "every upload would look orphaned (the default is blocks.data, "
                           "team_block_states.player_data). Nothing was deleted"));
    const QString root = QFileInfo(settings.uploadsDir).absoluteFilePath();
    auto db = database.connectionForCurrentThread();
    if (!db)
        return JobResult::failure(db.error());
    context.setProgress(0, 0, QStringLiteral("Reading references"));
    const auto references =
        UploadReferenceSet::read(db.value(), UploadUrl(settings.siteUrl), settings.referenceSources,
                                 settings.batchSize, context.stopToken());
    if (!references)
        return JobResult::failure(references.error());
    context.log().info(QStringLiteral("Read the upload references"),
                       {{QStringLiteral("rows"), references->rowsRead()},
                        {QStringLiteral("references"), references->size()},
                        {QStringLiteral("unparsableRows"), references->unparsableRows()}});
    const QDateTime keepNewerThan =
        now.addSecs(-qint64(std::chrono::seconds(settings.gracePeriod).count()));
    UploadTreeSweeper sweeper(context, root, references.value(), keepNewerThan);
    if (auto why = sweeper.scan())
        return JobResult::failure(*why);
    const UploadTreeSweeper::Counts counts = sweeper.clean();

    QJsonObject summary = counts.toJson();
    summary.insert(QStringLiteral("references"), references->size());
    summary.insert(QStringLiteral("dryRun"), context.isDryRun());
    QVariantMap fields = summary.toVariantMap();
    fields.insert(QStringLiteral("root"), root);
    context.log().info(context.isDryRun() ? QStringLiteral("Orphaned uploads counted (dry run)")
                                          : QStringLiteral("Orphaned uploads cleaned"),
                       fields);
    if (counts.stopped)
        return JobResult::failure(QStringLiteral("Stopped after checking %1 files (%2 deleted)")
                                      .arg(counts.filesScanned)
                                      .arg(counts.deleted),
                                  summary);
    if (counts.errors > 0)
        return JobResult::failure(
            QStringLiteral("%1 orphaned uploads in %2 could not be deleted (see the run's log "
                           "for each path and why); everything else was cleaned")
                .arg(counts.errors)
                .arg(root),
            summary);
    return JobResult::success(summary);
}

} // namespace jc
