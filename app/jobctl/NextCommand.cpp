#include "NextCommand.h"

#include "CommandSupport.h"

#include "common/IsoTime.h"
#include "engine/SystemClock.h"
#include "schedule/Schedule.h"
#include "schedule/ZoneMapper.h"
#include "schedule/ZoneName.h"

using jc::Expected;
using jc::IsoTime;
using jc::Schedule;
using jc::SystemClock;
using jc::ZoneMapper;
using jc::ZoneName;

#include <QCommandLineParser>
#include <QTimeZone>

namespace {

const QString command = QStringLiteral("next");
constexpr int maxCount = 1000000;

struct NextOptions
{
    QCommandLineOption tz{QStringLiteral("tz"),
                          QStringLiteral("IANA time zone (default: the system's)."),
                          QStringLiteral("ZONE")};
    QCommandLineOption from{
        QStringLiteral("from"),
        QStringLiteral("Start after this instant, ISO 8601 with seconds and an offset or Z "
                       "(default: now)."),
        QStringLiteral("INSTANT")};
    QCommandLineOption count{QStringLiteral("count"),
                             QStringLiteral("How many instants (default 1)."), QStringLiteral("N"),
                             QStringLiteral("1")};
};

// What to compute, checked: the schedule in its zone, from when, how many instants.
struct Preview
{
    QString text; // as typed
    QTimeZone zone;
    Schedule schedule;
    QDateTime from;
    int count = 1;
};

void describe(QCommandLineParser &parser, const NextOptions &options)
{
    parser.setApplicationDescription(QStringLiteral(
        "Prints the next fire instants of SCHEDULE, one per line, in ISO 8601 with the zone's "
        "UTC offset.\n\nSchedules: daily, first-of-month, 5- or 6-field cron, @hourly, "
        "@daily, @weekly, @monthly, @yearly, @every 1h30m. See README.md."));
    parser.addOptions({options.tz, options.from, options.count});
    parser.addPositionalArgument(QStringLiteral("SCHEDULE"),
                                 QStringLiteral("The schedule, as one argument (quote it)."));
}

// Each reader returns the value or the usage error's message.
Expected<QTimeZone, QString> zoneOf(const QCommandLineParser &parser, const NextOptions &options)
{
    if (!parser.isSet(options.tz))
        return QTimeZone::systemTimeZone();
    auto zone = ZoneName::parse(parser.value(options.tz));
    if (zone)
        return std::move(zone).value();
    return jc::Unexpected(QStringLiteral("time zone: ") + zone.error());
}

Expected<QDateTime, QString> fromOf(const QCommandLineParser &parser, const NextOptions &options)
{
    if (!parser.isSet(options.from))
        return SystemClock::wallTime();
    const auto parsed = IsoTime::parseStrict(parser.value(options.from));
    if (parsed)
        return *parsed;
    return jc::Unexpected(
        QStringLiteral("--from: \"%1\" is not an ISO 8601 instant with seconds and an "
                       "offset, like 2026-03-29T01:30:00+01:00 or 2026-03-29T00:30:00Z")
            .arg(parser.value(options.from)));
}

Expected<int, QString> countOf(const QCommandLineParser &parser, const NextOptions &options)
{
    bool countOk = false;
    const int count = parser.value(options.count).toInt(&countOk);
    if (countOk && count >= 1 && count <= maxCount)
        return count;
    return jc::Unexpected(QStringLiteral("--count: \"%1\" is not a whole number from 1 to %2")
                              .arg(parser.value(options.count))
                              .arg(maxCount));
}

// The checks in the order a person reads the usage line: SCHEDULE, --tz, --from, --count,
// then the schedule's own text.
Expected<Preview, QString> previewOf(const QCommandLineParser &parser, const NextOptions &options)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return jc::Unexpected(
            QStringLiteral("expected exactly one SCHEDULE argument, got %1 (quote a cron "
                           "expression: \"*/5 * * * *\")")
                .arg(positional.size()));
    const auto zone = zoneOf(parser, options);
    if (!zone)
        return jc::Unexpected(zone.error());
    const auto from = fromOf(parser, options);
    if (!from)
        return jc::Unexpected(from.error());
    const auto count = countOf(parser, options);
    if (!count)
        return jc::Unexpected(count.error());
    auto schedule = Schedule::parse(positional.first(), zone.value());
    if (!schedule)
        return jc::Unexpected(schedule.error().message());
    return Preview{positional.first(), zone.value(), std::move(schedule).value(), from.value(),
                   count.value()};
}

// Prints the instants, one a line; fails when the schedule never fires again.
int print(const CommandEnvironment &env, const Preview &preview)
{
    // Milliseconds and the zone's table of offsets, not QDateTime: see IsoTime::format.
    const auto offsets = ZoneMapper::forZone(preview.zone);
    const auto formatted = [&offsets](qint64 msecs) {
        const qint64 seconds = (msecs >= 0 ? msecs : msecs - 999) / 1000;
        return IsoTime::format(msecs, offsets->spanAt(seconds).offset);
    };
    qint64 at = preview.from.toMSecsSinceEpoch();
    for (int i = 0; i < preview.count; ++i) {
        const qint64 next = preview.schedule.nextMSecs(at);
        if (next < 0) {
            env.out.flush();
            return env.fail(
                command,
                QStringLiteral("\"%1\" never fires after %2").arg(preview.text, formatted(at)));
        }
        env.out << formatted(next) << "\n";
        at = next;
    }
    return 0;
}

// The command, its line parsed.
int runParsed(const CommandEnvironment &env, const QCommandLineParser &parser,
              const NextOptions &options)
{
    const auto preview = previewOf(parser, options);
    if (!preview)
        return env.fail(command, preview.error(), 2);
    return print(env, preview.value());
}

} // namespace

int NextCommand::run(const CommandEnvironment &env)
{
    return CommandSupport::parseThen<NextOptions>(env, command, runParsed);
}
