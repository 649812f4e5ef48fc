#pragma once

#include "engine/RunOutcome.h"
#include "storage/RunHistory.h"

#include <QColor>
#include <QIcon>
#include <QString>

#include <optional>

namespace jc {

// How the console shows a run's parts in tables, in one place so the history pane, the error
// log and the jobs table agree: outcome words, colours and icons; the trigger; who asked; the
// summary in words; the duration.
//
// Thread: GUI thread (icons are pixmaps, cached per outcome).
class RunFormat
{
public:
    // "succeeded", "timed out", ... (translated).
    static QString outcomeText(RunOutcome outcome);
    // "not responding": the Outcome cell of a running row whose holder no longer answers.
    static QString notRespondingText();
    // outcomeText(), with "(×N)" when the row stands for N coalesced missed occurrences.
    static QString outcomeCellText(const StoredRun &run);
    // Green for success, red for the problems, amber for cancelled and skipped, blue for
    // running; readable on light and dark palettes.
    static QColor outcomeColor(RunOutcome outcome);
    // A filled circle in outcomeColor(), drawn at 1x and 2x so it stays sharp at high DPI.
    static QIcon outcomeIcon(RunOutcome outcome);
    // "scheduled", "manual", "catch-up", "retry", with " (dry run)" when it was one.
    static QString triggerText(const StoredRun &run);
    // Who asked for the run: requested_by, else "scheduler" for the scheduler's own runs.
    static QString whoText(const StoredRun &run);
    // What the run did, in words (RunSummaryText: "Deleted 2 stale purchases (...)"); a run
    // without counts says its error's first line instead, or nothing.
    static QString summaryText(const StoredRun &run);
    // finished - started, or until `now` while running; -1 when it did not start.
    static qint64 durationMSecs(const StoredRun &run, const QDateTime &now);
    // The first line of the error, for a table cell (the whole text goes in the tooltip).
    static QString firstLine(const QString &text);
    // "1200 of 3000 users, 2 of 5 batches committed", "40 Checking uploads"; "" for none.
    static QString progressText(const RunProgress &progress);

    // A run stored as running whose holder no longer answers (RunLiveness, judged at `now`):
    // since when, its last heartbeat (else its start); nullopt while it is alive, for a run
    // that is not running, and without a clock (`now` invalid). Its row says `running` until a
    // scheduler marks it interrupted, which may be never on a database no scheduler serves.
    static std::optional<QDateTime> silentSince(const StoredRun &run, const QDateTime &now);
    // "not responding since Dec 6 16:31:34 UTC (host:pid)".
    static QString silentText(const StoredRun &run, const QDateTime &since);
    // Why it counts as dead, and what happens next, for a tooltip or a dialog.
    static QString silentReason(const StoredRun &run, const QDateTime &now);
};

} // namespace jc
