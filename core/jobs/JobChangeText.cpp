#include "jobs/JobChangeText.h"

#include "common/IsoTime.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "storage/PauseStore.h"

namespace jc {

namespace {

// "until …: why" of a pause, empty parts left out.
QString pauseTerms(const PauseState &pause, const JobChangeText::TimeFormat &time)
{
    QString text;
    if (pause.resumeAt)
        text += QStringLiteral(" until ") + time(*pause.resumeAt);
    else
        text += QStringLiteral(" until resumed");
    if (!pause.reason.isEmpty())
        text += QStringLiteral(": ") + pause.reason;
    return text;
}

} // namespace

QString JobChangeText::of(const JobSettingsChange &change, const TimeFormat &timeFormat)
{
    const TimeFormat time =
        timeFormat ? timeFormat : [](const QDateTime &at) { return IsoTime::format(at); };
    switch (change.kind) {
    case JobChangeKind::Settings:
        return JobOverrides::describeChange(change.before, change.after,
                                            JobCatalog::defaultSettings(change.job));
    case JobChangeKind::Pause: {
        const auto pause = PauseStore::fromJson(change.after);
        QString text = QStringLiteral("paused") + (pause ? pauseTerms(*pause, time) : QString());
        if (const auto replaced = PauseStore::fromJson(change.before))
            text += QStringLiteral(" (replacing the pause by %1 since %2)")
                        .arg(replaced->pausedBy, time(replaced->pausedAt));
        return text;
    }
    case JobChangeKind::Resume: {
        const auto ended = PauseStore::fromJson(change.before);
        if (!ended)
            return QStringLiteral("resumed");
        QString text = QStringLiteral("resumed (paused by %1 since %2")
                           .arg(ended->pausedBy, time(ended->pausedAt));
        if (!ended->reason.isEmpty())
            text += QStringLiteral(": ") + ended->reason;
        return text + u')';
    }
    }
    return {};
}

} // namespace jc
