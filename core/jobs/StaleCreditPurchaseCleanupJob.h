#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/SettingSpec.h"
#include "jobs/SettingValues.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QList>
#include <QTimeZone>

#include <memory>

namespace jc {

class JobContext;

// The built-in "Stale Credit Purchase Cleanup" (DOMAIN.md): daily at midnight, deletes the
// credit_purchases rows with status `pending` or `failed` whose created_at is strictly more
// than `staleAgeDays` before now (a row created exactly that long ago is kept); `completed`
// and `cancelled` rows are never touched. The cutoff is now - staleAgeDays * 24 h, in UTC.
//
// created_at is compared as an instant. PostgreSQL's timestamptz is one. On SQLite it is text
// in whatever form the web app's writer chose (CURRENT_TIMESTAMP's UTC "2026-11-25 12:00:00",
// the Go driver's "...12:00:00.123456789-08:00", "...Z", ISO with "T"), compared through
// julianday(), which honours the offset. A pending or failed row whose created_at cannot be
// read as a time (SQLite: not "YYYY-MM-DD..." or not understood by julianday(); integer epoch
// seconds included, since nothing says what they count) is never deleted: it is counted as
// skipped, and a warning gives the count.
//
// One transaction, as DOMAIN.md demands: the rows are counted first (the progress total),
// then deleted per status in batches of `batchSize` (keyset on created_at, so each batch is
// an index range scan) inside that one transaction. A stop is checked between batches: it
// rolls the transaction back, so a stopped run deletes nothing; it returns a failure starting
// with "Cancelled" that the engine records as cancelled. Running again is always safe.
//
// A dry run counts what it would delete, by status, and the unreadable rows, and deletes
// nothing (no transaction). Summary: deleted (what was deleted, or in a dry run what would
// be), byStatus {pending, failed}, skippedUnreadableTime (pending and failed rows whose
// created_at cannot be read; always 0 on PostgreSQL), cutoff (ISO 8601 with offset),
// staleAgeDays, dryRun.
//
// Speed: the index ix_credit_purchases_status_created (migration 4) makes the batches range
// scans over the stale rows only. On SQLite the exact julianday() test sits behind a text
// range that a stale row's text cannot lie beyond (its local date is at most 14:59 ahead),
// so the scan reads at most about two days of young rows besides; the count reads every
// pending and failed row once, since unreadable text can sort anywhere.
class StaleCreditPurchaseCleanupJob
{
public:
    static constexpr const char *name = "Stale Credit Purchase Cleanup";

    struct Settings
    {
        int staleAgeDays = 7;
        int batchSize = 5000;
    };

    // staleAgeDays (1..3650), batchSize (1..1000000).
    static QList<SettingSpec> settingSpecs();
    static Expected<Settings, QString> settingsFrom(const SettingValues &values);

    // Scheduled "daily" (local midnight) in `zone`; the body passes the run's start.
    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone, Settings settings);

    // The body, callable on any worker thread; `now` fixes the cutoff (tests pass their own).
    static JobResult run(JobContext &context, ConnectionFactory &database, const Settings &settings,
                         const QDateTime &now);

    // now - staleAgeDays days, in UTC: rows created strictly before it are stale.
    static QDateTime cutoffFor(const QDateTime &now, int staleAgeDays);
};

} // namespace jc
