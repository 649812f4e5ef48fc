#include "NextCommand.h"

#include "CommandSupport.h"

#include "common/IsoTime.h"
#include "schedule/Schedule.h"
#include "schedule/ZoneMapper.h"

using jc::IsoTime;
using jc::Schedule;
using jc::ZoneMapper;

#include <QCommandLineParser>
#include <QTimeZone>

namespace {

constexpr int maxCount = 1000000;

} // namespace

int NextCommand::run(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("next");
    const auto usageError = [&](const QString &message) { return env.fail(command, message, 2); };
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints the next fire instants of SCHEDULE, one per line, in ISO 8601 with the zone's "
        "UTC offset.\n\nSchedules: daily, first-of-month, 5- or 6-field cron, @hourly, "
        "@daily, @weekly, @monthly, @yearly, @every 1h30m. See README.md."));
    const QCommandLineOption tzOption(QStringLiteral("tz"),
                                      QStringLiteral("IANA time zone (default: the system's)."),
                                      QStringLiteral("ZONE"));
    const QCommandLineOption fromOption(
        QStringLiteral("from"),
        QStringLiteral("Start after this instant, ISO 8601 with seconds and an offset or Z "
                       "(default: now)."),
        QStringLiteral("INSTANT"));
    const QCommandLineOption countOption(QStringLiteral("count"),
                                         QStringLiteral("How many instants (default 1)."),
                                         QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({tzOption, fromOption, countOption});
    parser.addPositionalArgument(QStringLiteral("SCHEDULE"),
                                 QStringLiteral("The schedule, as one argument (quote it)."));

    if (const auto status = CommandSupport::parse(parser, env, command))
        return *status;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(QStringLiteral("expected exactly one SCHEDULE argument, got %1 "
                                         "(quote a cron expression: \"*/5 * * * *\")")
                              .arg(positional.size()));

    QTimeZone zone = QTimeZone::systemTimeZone();
    if (parser.isSet(tzOption)) {
        const QString name = parser.value(tzOption);
        zone = QTimeZone(name.toUtf8());
        if (!zone.isValid())
            return usageError(QStringLiteral("time zone: unknown zone \"%1\" (use an IANA "
                                             "name such as Europe/Berlin or UTC)")
                                  .arg(name));
    }

    QDateTime from = QDateTime::currentDateTimeUtc();
    if (parser.isSet(fromOption)) {
        const auto parsed = IsoTime::parseStrict(parser.value(fromOption));
        if (!parsed)
            return usageError(QStringLiteral("--from: \"%1\" is not an ISO 8601 instant "
                                             "with seconds and an offset, like "
                                             "2026-03-29T01:30:00+01:00 or "
                                             "2026-03-29T00:30:00Z")
                                  .arg(parser.value(fromOption)));
        from = *parsed;
    }

    bool countOk = false;
    const int count = parser.value(countOption).toInt(&countOk);
    if (!countOk || count < 1 || count > maxCount)
        return usageError(QStringLiteral("--count: \"%1\" is not a whole number from 1 to %2")
                              .arg(parser.value(countOption))
                              .arg(maxCount));

    const auto schedule = Schedule::parse(positional.first(), zone);
    if (!schedule)
        return usageError(schedule.error().message());

    // Milliseconds and the zone's table of offsets, not QDateTime: see IsoTime::format.
    const auto offsets = ZoneMapper::forZone(zone);
    const auto formatted = [&offsets](qint64 msecs) {
        const qint64 seconds = (msecs >= 0 ? msecs : msecs - 999) / 1000;
        return IsoTime::format(msecs, offsets->spanAt(seconds).offset);
    };
    qint64 at = from.toMSecsSinceEpoch();
    for (int i = 0; i < count; ++i) {
        const qint64 next = schedule->nextMSecs(at);
        if (next < 0) {
            env.out.flush();
            return env.fail(command, QStringLiteral("\"%1\" never fires after %2")
                                         .arg(positional.first(), formatted(at)));
        }
        env.out << formatted(next) << "\n";
        at = next;
    }
    return 0;
}
