#include "models/RunFormat.h"

#include "data/TimeDisplay.h"
#include "jobs/RunSummaryText.h"
#include "storage/RunLiveness.h"

#include <QCoreApplication>
#include <QHash>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace jc {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("jc::RunFormat", text);
}

QPixmap dot(const QColor &color, int size, qreal ratio)
{
    QPixmap pixmap(qRound(size * ratio), qRound(size * ratio));
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(color.darker(130), 1.0));
    painter.setBrush(color);
    const qreal margin = size * 0.2;
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
    return pixmap;
}

} // namespace

QString RunFormat::outcomeText(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Running:
        return tr("running");
    case RunOutcome::Succeeded:
        return tr("succeeded");
    case RunOutcome::Failed:
        return tr("failed");
    case RunOutcome::Cancelled:
        return tr("cancelled");
    case RunOutcome::TimedOut:
        return tr("timed out");
    case RunOutcome::Abandoned:
        return tr("abandoned");
    case RunOutcome::Interrupted:
        return tr("interrupted");
    case RunOutcome::Skipped:
        return tr("skipped");
    case RunOutcome::Missed:
        return tr("missed");
    }
    return toText(outcome);
}

QColor RunFormat::outcomeColor(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Running:
        return QColor(0x2f, 0x80, 0xed);
    case RunOutcome::Succeeded:
        return QColor(0x2e, 0x9d, 0x4f);
    case RunOutcome::Cancelled:
    case RunOutcome::Skipped:
        return QColor(0xc7, 0x8a, 0x10);
    case RunOutcome::Failed:
    case RunOutcome::TimedOut:
    case RunOutcome::Abandoned:
    case RunOutcome::Interrupted:
    case RunOutcome::Missed:
        return QColor(0xd9, 0x3b, 0x3b);
    }
    return QColor(Qt::gray);
}

QIcon RunFormat::outcomeIcon(RunOutcome outcome)
{
    // Cleared before the application goes: pixmaps must not outlive QGuiApplication.
    static QHash<int, QIcon> cache;
    static const bool cleanupRegistered = [] {
        qAddPostRoutine([] { cache.clear(); });
        return true;
    }();
    Q_UNUSED(cleanupRegistered);
    const int key = static_cast<int>(outcome);
    const auto found = cache.constFind(key);
    if (found != cache.constEnd())
        return *found;
    QIcon icon;
    const QColor color = outcomeColor(outcome);
    for (const int size : {16, 24}) {
        icon.addPixmap(dot(color, size, 1.0));
        icon.addPixmap(dot(color, size, 2.0));
    }
    cache.insert(key, icon);
    return icon;
}

QString RunFormat::outcomeCellText(const StoredRun &run)
{
    const QString outcome = outcomeText(run.outcome);
    return run.missedCount > 1 ? tr("%1 (×%2)").arg(outcome).arg(run.missedCount) : outcome;
}

QString RunFormat::triggerText(const StoredRun &run)
{
    QString text;
    switch (run.trigger) {
    case RunTrigger::Scheduled:
        text = tr("scheduled");
        break;
    case RunTrigger::Manual:
        text = tr("manual");
        break;
    case RunTrigger::CatchUp:
        text = tr("catch-up");
        break;
    case RunTrigger::Retry:
        text = tr("retry");
        break;
    case RunTrigger::Backfill:
        text = tr("backfill");
        break;
    }
    return run.dryRun ? tr("%1 (dry run)").arg(text) : text;
}

QString RunFormat::whoText(const StoredRun &run)
{
    if (!run.requestedBy.isEmpty())
        return run.requestedBy;
    return run.trigger == RunTrigger::Manual ? QStringLiteral("—") : tr("scheduler");
}

QString RunFormat::summaryText(const StoredRun &run)
{
    const QString words = RunSummaryText::of(run);
    // A failed run often has no counts: its error's first line says more than a blank.
    return words.isEmpty() && !run.error.isEmpty() ? run.error.section(u'\n', 0, 0) : words;
}

qint64 RunFormat::durationMSecs(const StoredRun &run, const QDateTime &now)
{
    if (!run.startedAt.isValid())
        return -1;
    if (!run.finishedAt.isValid() && run.outcome != RunOutcome::Running)
        return -1;
    const QDateTime end = run.finishedAt.isValid() ? run.finishedAt : now;
    return std::max<qint64>(0, run.startedAt.msecsTo(end));
}

QString RunFormat::firstLine(const QString &text)
{
    const qsizetype end = text.indexOf(u'\n');
    return end < 0 ? text : text.left(end) + QStringLiteral(" …");
}

QString RunFormat::progressText(const RunProgress &progress)
{
    if (progress.total > 0)
        return tr("%1 of %2 %3")
            .arg(RunSummaryText::count(progress.done), RunSummaryText::count(progress.total),
                 progress.text)
            .trimmed();
    if (progress.done > 0 || !progress.text.isEmpty())
        return tr("%1 %2").arg(RunSummaryText::count(progress.done), progress.text).trimmed();
    return {};
}

std::optional<QDateTime> RunFormat::silentSince(const StoredRun &run, const QDateTime &now)
{
    if (run.outcome != RunOutcome::Running || !now.isValid())
        return std::nullopt;
    return RunLiveness::notRespondingSince(run, now.toMSecsSinceEpoch());
}

QString RunFormat::notRespondingText()
{
    return tr("not responding");
}

QString RunFormat::silentText(const StoredRun &run, const QDateTime &since)
{
    return tr("not responding since %1 (%2)")
        .arg(TimeDisplay::shortDateTime(since),
             run.instanceId.isEmpty() ? tr("an unknown instance") : run.instanceId);
}

QString RunFormat::silentReason(const StoredRun &run, const QDateTime &now)
{
    const RunLiveness::State state = RunLiveness::of(run, now.toMSecsSinceEpoch());
    return tr("%1. The next scheduler that runs on this database records it as interrupted.")
        .arg(RunLiveness::reason(state, run.holder, run.leaseMSecs > 0 ? run.leaseMSecs : 60000));
}

} // namespace jc
