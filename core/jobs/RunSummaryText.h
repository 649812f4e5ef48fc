#pragma once

#include "storage/RunHistory.h"

#include <QJsonObject>
#include <QString>

namespace jc {

// What a run did, in one line of plain words, for the history table, the tray and jobctl:
//   "Topped up 722,043 users with 12,700,374 credits for 2026-12 (18,433 already had theirs,
//    0 skipped: negative balance)"
//   "Deleted 2 stale purchases (2 pending, 0 failed) created before 25 Nov 19:04 UTC"
//   "Dry run: would delete 3 files (1.2 MB) and 2 empty folders"
// The full counters stay where they are (the run's details, `--json`).
//
// The words come from what is stored with a run (its job's name, its summary JSON and
// whether it was a dry run), never from the job's code running, so rows written long ago
// read the same as new ones. Each built-in job has its sentence, keyed by job name; only the
// keys present are described (older summaries lack some). A job without a sentence, or a
// summary without the key its sentence needs, gets the generic form: every member in key
// order, keys split into words ("runs deleted 0 · jobs 4").
//
// Numbers always group thousands with "," and times are in UTC with the zone written out,
// whatever the locale or the time zone of the machine: the same run reads the same in the
// console, in a log and in a support ticket. A dry run's words start with "Dry run: would".
//
// Thread: any (pure functions).
class RunSummaryText
{
public:
    // The words for `run`, or empty when its summary is empty (nothing to say: the caller
    // shows the error or nothing). Counts are what the run did, whatever its outcome: a
    // cancelled top-up "Topped up 100 users ..." before it stopped.
    static QString of(const StoredRun &run);
    static QString of(const QString &job, const QJsonObject &summary, bool dryRun);

    // 12700374 -> "12,700,374"; -1234 -> "-1,234".
    static QString count(qint64 number);
    // "1 user" / "2 users" / "12,700,374 users": count() and the word, in the plural unless 1.
    static QString counted(qint64 number, const QString &singular, const QString &plural);
    // Decimal units, one decimal from 1 kB: "0 bytes", "999 bytes", "1.2 MB", "3.0 GB".
    static QString bytes(qint64 bytes);
    // "25 Nov 19:04 UTC": day, English month, time to the minute, in UTC.
    static QString utcMinute(const QDateTime &instant);
    // The generic form, also used for members a job's sentence does not cover.
    static QString generic(const QJsonObject &summary);
};

} // namespace jc
