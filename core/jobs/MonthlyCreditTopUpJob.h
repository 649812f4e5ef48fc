#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/SettingSpec.h"
#include "jobs/SettingValues.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QTimeZone>

#include <chrono>
#include <memory>

namespace jc {

class JobContext;

// The built-in "Monthly Credit Top-Up" (DOMAIN.md): at midnight on the 1st, every user whose
// free_credits are below their own monthly_credit_limit gets free_credits = limit and one
// credit_adjustments row with the delta, reason "Monthly free credit top-up: topped up to
// <L>" and the period ("2026-12"). Users at or above their limit are never reduced;
// paid_credits are never touched; users with negative free_credits or a limit of zero or
// less are left alone and counted.
//
// Idempotent per user and period: the period is the occurrence's year-month in the job's
// zone (a catch-up of November run on 3 December still tops up November; a manual run uses
// the month it was asked in), and the unique (user_id, period) index makes a second grant
// impossible, so a rerun after a crash, a retry or a concurrent run tops up exactly the
// users still owed. The web app's own scheduler wrote its top-ups without a period: a run
// first adopts those of its period (by instant, in the job's zone) as the grants they are,
// and warns when such rows appear after the switch-over (README, "Switching over"). Users go
// in batches in id order, one transaction each (balances and audit rows together), of
// batchSize users, growing on PostgreSQL and MySQL/MariaDB while each takes less than
// batchTarget (BatchSizer); transient database errors are retried per batch with exponential
// backoff and jitter; a stop is honoured between batches and during backoff.
//
// No month lost: the period is the occurrence's month in the zone the job runs in after the
// admin's overrides (JobContext::zone); a failed run is retried within its occurrence (10
// attempts, 1 min doubling to 1 h: about four hours); a batch that fails for good leaves only
// its users for that retry; an occurrence whose run failed, died or could not be claimed is
// caught up at the next start (Scheduler::setUnfinishedOccurrences); an admin can run any
// past occurrence again as a backfill (`jobctl run --occurrence`), granting what is owed.
class MonthlyCreditTopUpJob
{
public:
    static constexpr const char *name = "Monthly Credit Top-Up";

    struct Settings
    {
        int batchSize = 1000; // the first batch's users, and the fewest a batch takes
        // Batches grow while each takes less (BatchSizer); zero keeps them at batchSize.
        // PostgreSQL and MySQL/MariaDB only: on SQLite a batch holds the whole database's
        // write lock, and its batches stay at batchSize.
        std::chrono::milliseconds batchTarget{250};
        int batchRetryAttempts = 3;                          // attempts in all, the first included
        std::chrono::milliseconds batchRetryBaseDelay{2000}; // doubles per retry, plus jitter
        // The app's sign-up tiers; reported, not used to choose users (their own limit is).
        int regularCredits = 10;
        int educatorCredits = 25;
        QList<QPair<QString, int>> customCreditDomains;
    };

    // regularCredits (REGULAR_USER_FREE_CREDITS), educatorCredits (EDUCATOR_FREE_CREDITS),
    // customCreditDomains (CUSTOM_CREDIT_DOMAINS, "@school.example:40,@uni.example:30"),
    // batchSize, batchTargetMs, batchRetryAttempts, batchRetryDelayMs. The first three are
    // report-only: read as the app reads them (a bad number is the default, a bad domain item is
    // skipped), with a warning in the run's log; the batch settings refuse a bad value.
    static QList<SettingSpec> settingSpecs();
    static Expected<Settings, QString> settingsFrom(const SettingValues &values);

    // Scheduled "first-of-month" (local midnight on the 1st) in `zone`.
    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone, Settings settings);

    // The body, callable on any worker thread. A stopped run returns a failure starting with
    // "Cancelled" that carries the partial summary; the engine records it as cancelled.
    static JobResult run(JobContext &context, ConnectionFactory &database, const Settings &settings,
                         const QTimeZone &zone);

    // "2026-12": the year and month of `instant` in `zone`.
    static QString periodOf(const QDateTime &instant, const QTimeZone &zone);
    // Where the month `monthsLater` months after `period` ("2026-12") begins in `zone`, in UTC:
    // local midnight on the 1st (or, when a transition skips it, the first instant after).
    static QDateTime monthStart(const QString &period, const QTimeZone &zone, int monthsLater = 0);
};

} // namespace jc
