#include "schedule/Schedule.h"

#include "schedule/CivilTime.h"
#include "schedule/CronExpression.h"
#include "schedule/EveryDuration.h"
#include "schedule/ScheduleDescriber.h"
#include "schedule/ZoneMapper.h"

#include <QStringList>

#include <algorithm>
#include <array>
#include <optional>

namespace jc {

namespace {

using L1 = QLatin1String;

// Instants further from the epoch than this (about 273,790 years, ECMAScript's range) have
// no next fire time; it keeps every sum below far from overflowing.
constexpr qint64 MaxMSecs = qint64(8'640'000'000'000'000);

// The Gregorian calendar repeats every 400 years (146097 days, a whole number of weeks), so a
// wall-clock pattern that matches at all matches within that long.
constexpr qint64 HorizonSeconds = (146097 + 2) * CivilTime::SecondsPerDay;

struct Alias
{
    L1 name;
    L1 cron;
};

constexpr std::array<Alias, 9> Aliases = {{
    {L1("daily"), L1("0 0 * * *")},
    {L1("first-of-month"), L1("0 0 1 * *")},
    {L1("@yearly"), L1("0 0 1 1 *")},
    {L1("@annually"), L1("0 0 1 1 *")},
    {L1("@monthly"), L1("0 0 1 * *")},
    {L1("@weekly"), L1("0 0 * * 0")},
    {L1("@daily"), L1("0 0 * * *")},
    {L1("@midnight"), L1("0 0 * * *")},
    {L1("@hourly"), L1("0 * * * *")},
}};

ScheduleError scheduleError(const QString &reason)
{
    return ScheduleError{QStringLiteral("schedule"), reason};
}

} // namespace

class Schedule::Impl
{
public:
    Kind kind = Kind::Invalid;
    QString text;
    QTimeZone zone;
    std::shared_ptr<const ZoneMapper> mapper;
    std::optional<CronExpression> cron; // Kind::Cron
    qint64 everyMSecs = 0;              // Kind::Every
    Calculator calculator;              // Kind::Custom
    QString description;
    bool intervalLike = false;

    [[nodiscard]] std::optional<qint64> nextAfter(qint64 afterMSecs) const;
    [[nodiscard]] std::optional<qint64> nextCron(qint64 afterMSecs) const;
};

Schedule::Schedule() = default;

Schedule::Schedule(std::shared_ptr<const Impl> impl)
    : m_impl(std::move(impl))
{}

ScheduleParseResult Schedule::parse(const QString &text, const QTimeZone &zone)
{
    if (!zone.isValid()) {
        return Unexpected(
            ScheduleError{QStringLiteral("time zone"),
                          QStringLiteral("not a valid time zone; use an IANA name such as "
                                         "Europe/Berlin, or UTC")});
    }
    auto impl = std::make_shared<Impl>();
    impl->text = text.trimmed();
    impl->zone = zone;
    if (impl->text.isEmpty())
        return Unexpected(scheduleError(QStringLiteral("empty")));

    const QStringList words = impl->text.simplified().split(QLatin1Char(' '));
    const QString head = words.first().toLower();
    QString cronText = impl->text;
    if (head == L1("@every")) {
        const auto duration = EveryDuration::parse(impl->text.mid(head.size()));
        if (!duration)
            return Unexpected(duration.error());
        impl->kind = Kind::Every;
        impl->everyMSecs = duration->milliseconds();
        impl->intervalLike = true;
        impl->description =
            QStringLiteral("every %1 (aligned to the Unix epoch)").arg(duration->text());
        return Schedule(std::move(impl));
    }
    const auto *const alias = std::find_if(Aliases.begin(), Aliases.end(),
                                           [&head](const Alias &a) { return head == a.name; });
    if (alias != Aliases.end() && words.size() == 1) {
        cronText = alias->cron;
    } else if (alias != Aliases.end() && head.startsWith(QLatin1Char('@'))) {
        return Unexpected(
            scheduleError(QStringLiteral("%1 takes nothing after it").arg(words.first())));
    } else if (head.startsWith(QLatin1Char('@'))) {
        return Unexpected(scheduleError(QStringLiteral("unknown macro \"%1\"").arg(words.first())));
    }
    auto cron = CronExpression::parse(cronText);
    if (!cron)
        return Unexpected(cron.error());
    impl->kind = Kind::Cron;
    impl->intervalLike = cron->isIntervalLike();
    impl->description = ScheduleDescriber::describe(*cron);
    impl->cron = std::move(cron).value();
    impl->mapper = ZoneMapper::forZone(zone);
    return Schedule(std::move(impl));
}

Schedule Schedule::custom(const QString &name, Calculator calculator, const QTimeZone &zone,
                          const QString &description)
{
    // Without a calculator or a usable zone there is nothing to compute: an invalid schedule.
    if (!calculator || !zone.isValid())
        return {};
    auto impl = std::make_shared<Impl>();
    impl->kind = Kind::Custom;
    impl->text = name;
    impl->zone = zone;
    impl->calculator = std::move(calculator);
    impl->description = description.isEmpty() ? L1("custom: ") + name : description;
    return Schedule(std::move(impl));
}

Schedule Schedule::withZone(const QTimeZone &zone) const
{
    if (!m_impl || !zone.isValid())
        return {};
    auto impl = std::make_shared<Impl>(*m_impl);
    impl->zone = zone;
    if (impl->mapper)
        impl->mapper = ZoneMapper::forZone(zone);
    return Schedule(std::move(impl));
}

Schedule::Kind Schedule::kind() const
{
    return m_impl ? m_impl->kind : Kind::Invalid;
}

QString Schedule::text() const
{
    return m_impl ? m_impl->text : QString();
}

QTimeZone Schedule::zone() const
{
    return m_impl ? m_impl->zone : QTimeZone();
}

bool Schedule::isIntervalLike() const
{
    return m_impl && m_impl->intervalLike;
}

QString Schedule::description() const
{
    return m_impl ? m_impl->description : QStringLiteral("never (not a valid schedule)");
}

QDateTime Schedule::next(const QDateTime &after) const
{
    if (!m_impl || !after.isValid())
        return {};
    if (m_impl->kind == Kind::Custom) {
        const QDateTime result = m_impl->calculator(after, m_impl->zone);
        if (!result.isValid() || result <= after)
            return {};
        return result.toTimeZone(m_impl->zone);
    }
    const auto result = m_impl->nextAfter(after.toMSecsSinceEpoch());
    return result ? QDateTime::fromMSecsSinceEpoch(*result, m_impl->zone) : QDateTime();
}

qint64 Schedule::nextMSecs(qint64 afterMSecsSinceEpoch) const
{
    if (!m_impl)
        return -1;
    if (m_impl->kind == Kind::Custom) {
        const auto result =
            next(QDateTime::fromMSecsSinceEpoch(afterMSecsSinceEpoch, m_impl->zone));
        return result.isValid() ? result.toMSecsSinceEpoch() : -1;
    }
    return m_impl->nextAfter(afterMSecsSinceEpoch).value_or(-1);
}

std::optional<qint64> Schedule::Impl::nextAfter(qint64 afterMSecs) const
{
    if (afterMSecs > MaxMSecs || afterMSecs < -MaxMSecs)
        return std::nullopt;
    switch (kind) {
    case Kind::Cron:
        return nextCron(afterMSecs);
    case Kind::Every:
        return (CivilTime::floorDiv(afterMSecs, everyMSecs) + 1) * everyMSecs;
    case Kind::Invalid:
    case Kind::Custom:
        break;
    }
    return std::nullopt;
}

// The fire set (Schedule.h, rules 1-6) is searched span by span, a span being a stretch of
// time with one UTC offset. In a span, a wall time w maps to the instant w - offset. Wall
// times that fall in a spring-forward gap belong to no span; fixed-time schedules fire for
// them at the transition (the span's start). Wall times repeated after a fall-back belong to
// two spans; fixed-time schedules skip them in the later span.
//
// Any fire instant t has a matching wall time within MaxOffsetSeconds of t. So the search
// first finds the next matching wall time w at all and skips straight to w - MaxOffsetSeconds:
// rare schedules ("0 0 29 2 *") do not walk through years of spans, and one that never
// matches again ("0 0 30 2 *") is rejected by a single calendar scan.
std::optional<qint64> Schedule::Impl::nextCron(qint64 afterMSecs) const
{
    constexpr qint64 Margin = ZoneMapper::MaxOffsetSeconds;
    const bool fixedTime = !intervalLike;
    const qint64 first = CivilTime::floorDiv(afterMSecs, 1000) + 1; // earliest possible fire
    const qint64 horizon = first + HorizonSeconds;
    qint64 from = first; // no fire in [first, from)
    while (from < horizon) {
        const auto wall = cron->nextMatch(from - Margin, horizon + Margin);
        if (!wall)
            return std::nullopt;
        from = std::max(from, *wall - Margin);
        const ZoneMapper::Span span = mapper->spanAt(from);
        const bool startsWithGap = span.offset > span.previousOffset;
        if (fixedTime && startsWithGap && span.start >= from &&
            cron->nextMatch(span.start + span.previousOffset, span.start + span.offset)) {
            return span.start * 1000;
        }
        qint64 low = from + span.offset;
        if (fixedTime && span.previousOffset > span.offset) // overlap: earlier instants only
            low = std::max(low, span.start + span.previousOffset);
        const qint64 high = std::min(span.end, horizon) + span.offset;
        if (const auto match = cron->nextMatch(low, high))
            return (*match - span.offset) * 1000;
        from = span.end;
    }
    return std::nullopt;
}

} // namespace jc
