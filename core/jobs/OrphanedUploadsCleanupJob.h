#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/SettingSpec.h"
#include "jobs/SettingValues.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QStringList>
#include <QTimeZone>

#include <chrono>
#include <memory>

namespace jc {

// The built-in "Orphaned Uploads Cleanup" job (DOMAIN.md): deletes the upload files nothing
// references any more, with their cached resized copies, then the date folders left empty.
// Daily at midnight in the job's zone.
//
// One run: reads every reference source once into a set of normalised paths
// (UploadReferenceSet; a source that cannot be read fails the run before anything is
// deleted), then walks the uploads root and deletes each unreferenced file older than the
// grace period (UploadTreeSweeper, which documents the safety rules). Only files at
// `<root>/YYYY/MM/DD/<file>` are uploads: anything else under the root (`logo.png`,
// `avatars/`, `2025/november/`) is never deleted, and deletions go through folder handles
// opened without following links, so a folder swapped for a symlink during the run cannot
// redirect one outside the root. The summary holds
// filesScanned, referenced, deleted, cacheCopiesDeleted, bytesFreed, foldersRemoved,
// keptTooYoung, skippedSymlinks, errors, references (distinct local URLs found) and dryRun.
// A run in which some file could not be deleted finishes as failed, with that summary, so
// that an admin sees it; everything else was cleaned all the same.
class OrphanedUploadsCleanupJob
{
public:
    static constexpr const char *name = "Orphaned Uploads Cleanup";

    struct Settings
    {
        QString uploadsDir = defaultUploadsDir();
        QString siteUrl; // empty: only site-relative URLs are local
        QStringList referenceSources = {QStringLiteral("blocks.data"),
                                        QStringLiteral("team_block_states.player_data")};
        std::chrono::hours gracePeriod{24};
        int batchSize = 1000;
    };

    // "<working folder>/static/uploads", as the app has it.
    static QString defaultUploadsDir();

    // uploadsDir (UPLOADS_DIR), siteUrl (SITE_URL), referenceSources, gracePeriodHours,
    // batchSize.
    static QList<SettingSpec> settingSpecs();
    static Expected<Settings, QString> settingsFrom(const SettingValues &values);

    // Scheduled "daily" (local midnight) in `zone`; the body passes the run's start.
    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone, Settings settings);

    // The body, callable on any worker thread; `now` is the clock's (the grace period counts
    // back from it). Fails at once, deleting nothing, naming UPLOADS_DIR and the path when
    // the root is missing, not a folder or cannot be opened, naming SITE_URL when it is set
    // but not an absolute http(s) address, and naming referenceSources when the list is
    // empty (every upload would look orphaned); the settings given may not have come through
    // SettingValues' check.
    static JobResult run(JobContext &context, ConnectionFactory &database, const Settings &settings,
                         const QDateTime &now);
};

} // namespace jc
