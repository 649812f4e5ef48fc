#include "jobs/RunSummaryText.h"

#include "common/IsoTime.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "jobs/OrphanedUploadsCleanupJob.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <array>

namespace jc {

namespace {

const QString dryRunKey = QStringLiteral("dryRun");

qint64 number(const QJsonObject &summary, const char *key)
{
    return summary.value(QLatin1String(key)).toInteger();
}

bool has(const QJsonObject &summary, const char *key)
{
    return summary.contains(QLatin1String(key));
}

// The sentence's verb: "Deleted" for a real run, "would delete" after "Dry run: ".
QString verb(bool dryRun, const char *past, const char *conditional)
{
    return QString::fromLatin1(dryRun ? conditional : past);
}

QString topUp(const QJsonObject &s, bool dryRun)
{
    if (!has(s, "usersToppedUp"))
        return {};
    QString text = verb(dryRun, "Topped up ", "would top up ") +
                   RunSummaryText::counted(number(s, "usersToppedUp"), QStringLiteral("user"),
                                           QStringLiteral("users"));
    if (has(s, "creditsGranted"))
        text += QStringLiteral(" with ") + RunSummaryText::counted(number(s, "creditsGranted"),
                                                                   QStringLiteral("credit"),
                                                                   QStringLiteral("credits"));
    const QString period = s.value(QStringLiteral("period")).toString();
    if (!period.isEmpty())
        text += QStringLiteral(" for ") + period;
    QStringList details;
    if (has(s, "alreadyToppedUp"))
        details.append(RunSummaryText::count(number(s, "alreadyToppedUp")) +
                       QStringLiteral(" already had theirs"));
    // Adopted grants are counted in alreadyToppedUp (CreditTopUpCounts).
    if (number(s, "legacyGrantsAdopted") > 0)
        details.append(RunSummaryText::count(number(s, "legacyGrantsAdopted")) +
                       QStringLiteral(" of them from the app's own scheduler"));
    if (has(s, "usersSkippedNegative"))
        details.append(RunSummaryText::count(number(s, "usersSkippedNegative")) +
                       QStringLiteral(" skipped: negative balance"));
    // Only when there are any: the app's own rows have both, as a rule.
    if (number(s, "usersWithoutBalanceOrLimit") > 0)
        details.append(RunSummaryText::count(number(s, "usersWithoutBalanceOrLimit")) +
                       QStringLiteral(" skipped: no balance or limit"));
    if (!details.isEmpty())
        text += QStringLiteral(" (") + details.join(QStringLiteral(", ")) + u')';
    if (number(s, "failedBatches") > 0)
        text +=
            QStringLiteral("; %1 failed: %2 wait for the retry")
                .arg(RunSummaryText::counted(number(s, "failedBatches"), QStringLiteral("batch"),
                                             QStringLiteral("batches")),
                     RunSummaryText::counted(number(s, "usersInFailedBatches"),
                                             QStringLiteral("user"), QStringLiteral("users")));
    if (number(s, "legacyRowsSinceSwitchOver") > 0)
        text += QStringLiteral("; %1 without a period since the switch-over: the app's own "
                               "scheduler still runs")
                    .arg(RunSummaryText::counted(number(s, "legacyRowsSinceSwitchOver"),
                                                 QStringLiteral("top-up row"),
                                                 QStringLiteral("top-up rows")));
    return text;
}

// "(2 pending, 0 failed)": the statuses in the job's order, any other after them.
QString byStatus(const QJsonObject &statuses)
{
    QStringList parts;
    const std::array<QString, 2> known{QStringLiteral("pending"), QStringLiteral("failed")};
    for (const QString &status : known) {
        if (statuses.contains(status))
            parts.append(RunSummaryText::count(statuses.value(status).toInteger()) + u' ' + status);
    }
    for (auto it = statuses.constBegin(); it != statuses.constEnd(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            parts.append(RunSummaryText::count(it.value().toInteger()) + u' ' + it.key());
    }
    return parts.isEmpty() ? QString()
                           : QStringLiteral(" (") + parts.join(QStringLiteral(", ")) + u')';
}

QString staleCleanup(const QJsonObject &s, bool dryRun)
{
    if (!has(s, "deleted"))
        return {};
    QString text = verb(dryRun, "Deleted ", "would delete ") +
                   RunSummaryText::counted(number(s, "deleted"), QStringLiteral("stale purchase"),
                                           QStringLiteral("stale purchases")) +
                   byStatus(s.value(QStringLiteral("byStatus")).toObject());
    const QString cutoff = s.value(QStringLiteral("cutoff")).toString();
    if (!cutoff.isEmpty()) {
        const auto instant = IsoTime::parseStrict(cutoff);
        text += QStringLiteral(" created before ") +
                (instant ? RunSummaryText::utcMinute(*instant) : cutoff);
    }
    if (number(s, "skippedUnreadableTime") > 0)
        text += QStringLiteral("; kept %1 whose creation time cannot be read")
                    .arg(RunSummaryText::count(number(s, "skippedUnreadableTime")));
    return text;
}

// "3 files with 2 cached copies (1.2 MB) and 2 empty folders": cached copies go with their
// originals (bytesFreed counts both); nothing said of bytes or folders when there are none.
QString uploadsDeleted(const QJsonObject &s)
{
    const qint64 copies = number(s, "cacheCopiesDeleted");
    QString text = RunSummaryText::counted(number(s, "deleted"), QStringLiteral("file"),
                                           QStringLiteral("files"));
    if (copies > 0)
        text += QStringLiteral(" with ") + RunSummaryText::counted(copies,
                                                                   QStringLiteral("cached copy"),
                                                                   QStringLiteral("cached copies"));
    if (has(s, "bytesFreed") && number(s, "deleted") + copies > 0)
        text += QStringLiteral(" (") + RunSummaryText::bytes(number(s, "bytesFreed")) + u')';
    if (number(s, "foldersRemoved") > 0)
        text += QStringLiteral(" and ") + RunSummaryText::counted(number(s, "foldersRemoved"),
                                                                  QStringLiteral("empty folder"),
                                                                  QStringLiteral("empty folders"));
    return text;
}

// "194 checked, 1 kept as too recent, ...": what was looked at and left.
QStringList uploadsNotes(const QJsonObject &s)
{
    QStringList notes;
    if (has(s, "filesScanned"))
        notes.append(RunSummaryText::count(number(s, "filesScanned")) + QStringLiteral(" checked"));
    if (number(s, "keptTooYoung") > 0)
        notes.append(RunSummaryText::count(number(s, "keptTooYoung")) +
                     QStringLiteral(" kept as too recent"));
    if (number(s, "errors") > 0)
        notes.append(RunSummaryText::count(number(s, "errors")) +
                     QStringLiteral(" could not be deleted"));
    if (number(s, "skippedSymlinks") > 0)
        notes.append(RunSummaryText::counted(number(s, "skippedSymlinks"),
                                             QStringLiteral("symbolic link"),
                                             QStringLiteral("symbolic links")) +
                     QStringLiteral(" skipped"));
    return notes;
}

QString uploadsCleanup(const QJsonObject &s, bool dryRun)
{
    if (!has(s, "deleted"))
        return {};
    QString text = verb(dryRun, "Deleted ", "would delete ") + uploadsDeleted(s);
    const QStringList notes = uploadsNotes(s);
    if (!notes.isEmpty())
        text += QStringLiteral("; ") + notes.join(QStringLiteral(", "));
    return text;
}

QString retention(const QJsonObject &s, bool dryRun)
{
    if (!has(s, "runsDeleted"))
        return {};
    QString text = verb(dryRun, "Deleted ", "would delete ") +
                   RunSummaryText::counted(number(s, "runsDeleted"), QStringLiteral("old run"),
                                           QStringLiteral("old runs"));
    if (has(s, "jobs"))
        text += QStringLiteral(" (%1 checked)")
                    .arg(RunSummaryText::counted(number(s, "jobs"), QStringLiteral("job"),
                                                 QStringLiteral("jobs")));
    return text;
}

// "usersToppedUp" -> "users topped up".
QString keyWords(const QString &key)
{
    QString words;
    for (const QChar c : key) {
        if (c.isUpper() && !words.isEmpty())
            words += u' ';
        words += c.toLower();
    }
    return words;
}

QString valueWords(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Double: {
        const double real = value.toDouble();
        const qint64 whole = value.toInteger();
        return static_cast<double>(whole) == real ? RunSummaryText::count(whole)
                                                  : QString::number(real, 'g', 6);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return RunSummaryText::counted(value.toArray().size(), QStringLiteral("item"),
                                       QStringLiteral("items"));
    case QJsonValue::Object:
        return u'(' + RunSummaryText::generic(value.toObject()) + u')';
    default:
        return QStringLiteral("none");
    }
}

} // namespace

QString RunSummaryText::of(const StoredRun &run)
{
    return of(run.job, run.summary, run.dryRun);
}

QString RunSummaryText::of(const QString &job, const QJsonObject &summary, bool dryRun)
{
    if (summary.isEmpty())
        return {};
    dryRun = dryRun || summary.value(dryRunKey).toBool();
    QString text;
    if (job == QLatin1String(MonthlyCreditTopUpJob::name))
        text = topUp(summary, dryRun);
    else if (job == QLatin1String(StaleCreditPurchaseCleanupJob::name))
        text = staleCleanup(summary, dryRun);
    else if (job == QLatin1String(OrphanedUploadsCleanupJob::name))
        text = uploadsCleanup(summary, dryRun);
    else if (job == QLatin1String(HistoryRetentionJob::name))
        text = retention(summary, dryRun);
    if (text.isEmpty()) {
        QJsonObject rest = summary;
        rest.remove(dryRunKey);
        text = generic(rest);
        if (!text.isEmpty())
            text[0] = text.at(0).toUpper();
    }
    return dryRun ? QStringLiteral("Dry run: ") + text : text;
}

QString RunSummaryText::count(qint64 number)
{
    // Grouped by hand: QLocale::c() omits group separators, and other locales use their own.
    // The magnitude as unsigned, so that the smallest qint64 has one too.
    const quint64 magnitude = number < 0 ? quint64(0) - quint64(number) : quint64(number);
    const QString digits = QString::number(magnitude);
    QString grouped = number < 0 ? QStringLiteral("-") : QString();
    for (qsizetype i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            grouped += u',';
        grouped += digits.at(i);
    }
    return grouped;
}

QString RunSummaryText::counted(qint64 number, const QString &singular, const QString &plural)
{
    return count(number) + u' ' + (number == 1 ? singular : plural);
}

QString RunSummaryText::bytes(qint64 bytes)
{
    if (bytes < 1000)
        return counted(bytes, QStringLiteral("byte"), QStringLiteral("bytes"));
    static const std::array<const char *, 5> units{"kB", "MB", "GB", "TB", "PB"};
    double value = static_cast<double>(bytes) / 1000.0;
    std::size_t unit = 0;
    // 999,950 bytes rounds to "1000.0 kB": move up a unit before the rounding would.
    while (value >= 999.95 && unit + 1 < units.size()) {
        value /= 1000.0;
        ++unit;
    }
    return QString::number(value, 'f', 1) + u' ' + QLatin1String(units.at(unit));
}

QString RunSummaryText::utcMinute(const QDateTime &instant)
{
    return QLocale::c().toString(instant.toUTC(), QStringLiteral("d MMM HH:mm")) +
           QStringLiteral(" UTC");
}

QString RunSummaryText::generic(const QJsonObject &summary)
{
    QStringList parts;
    for (auto it = summary.constBegin(); it != summary.constEnd(); ++it)
        parts.append(keyWords(it.key()) + u' ' + valueWords(it.value()));
    return parts.join(QStringLiteral(" · "));
}

} // namespace jc
