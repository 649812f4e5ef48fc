// libFuzzer target for the schedule parser and next-time computation (issue 7). Built only
// with clang (-DJOBCONSOLE_BUILD_FUZZERS=ON, preset `fuzz`); CI fuzzes it for 60 s:
//   build/fuzz/tests/fuzz/fuzz_schedule -max_total_time=60 tests/fuzz/corpus/schedule
//
// Input: byte 0 picks a zone, bytes 1-4 an instant between 1900 and 2400, the rest is the
// schedule text (UTF-8, invalid sequences included). Invariants checked on every input:
//  - parse() never crashes; an error always has a message.
//  - next is strictly after its argument, successive instants strictly increase, and each
//    lies within 30 years of the previous one (no cron schedule sleeps longer: Feb 29 on a
//    given weekday recurs within 28 years), or within the longest @every interval allowed.
//  - nextMSecs() and next(QDateTime) agree.
//  - Parsing the schedule's own text again gives the same schedule (same instants), and its
//    description is non-empty and stable.
#include "schedule/EveryDuration.h"
#include "schedule/Schedule.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace jc;

namespace {

constexpr qint64 msPer30Years = 30LL * 366 * 24 * 3600 * 1000;
constexpr qint64 longestSleep = std::max(msPer30Years, EveryDuration::MaxSeconds * 1000);
const qint64 earliest = QDateTime(QDate(1900, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
const qint64 latest = QDateTime(QDate(2400, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

const QTimeZone &zoneFor(uint8_t byte)
{
    static const QTimeZone zones[] = {
        QTimeZone("UTC"),
        QTimeZone("Europe/Berlin"),
        QTimeZone("America/New_York"),
        QTimeZone("Pacific/Auckland"),
        QTimeZone("Australia/Lord_Howe"),
        QTimeZone("America/Santiago"),
        QTimeZone("Asia/Kolkata"),
        QTimeZone("Pacific/Chatham"),
    };
    return zones[byte % (sizeof(zones) / sizeof(zones[0]))];
}

void check(bool condition, const char *what, const QString &text, qint64 at)
{
    if (condition)
        return;
    fprintf(stderr, "invariant broken: %s\n  schedule: \"%s\"\n  at: %lld\n", what,
            text.toUtf8().constData(), static_cast<long long>(at));
    abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5 || size > 300)
        return 0;
    const QTimeZone &zone = zoneFor(data[0]);
    uint32_t raw = 0;
    std::memcpy(&raw, data + 1, sizeof raw);
    const qint64 start = earliest + qint64(raw) * ((latest - earliest) / qint64(UINT32_MAX));
    const QString text =
        QString::fromUtf8(reinterpret_cast<const char *>(data + 5), qsizetype(size - 5));

    const auto parsed = Schedule::parse(text, zone);
    if (!parsed) {
        check(!parsed.error().message().isEmpty(), "a parse error has a message", text, start);
        return 0;
    }
    const Schedule &schedule = parsed.value();
    const QString description = schedule.description();
    check(!description.isEmpty(), "a description", text, start);

    const auto again = Schedule::parse(schedule.text(), zone);
    check(bool(again), "its own text parses again", text, start);
    check(again->description() == description, "the description is stable", text, start);

    qint64 at = start;
    for (int i = 0; i < 8; ++i) {
        const qint64 next = schedule.nextMSecs(at);
        if (next == -1) { // "none" (every fire instant is a whole second, so never -1 ms)
            check(!schedule.next(QDateTime::fromMSecsSinceEpoch(at, Qt::UTC)).isValid(),
                  "next() agrees that there is no next instant", text, at);
            check(again->nextMSecs(at) == -1, "the reparsed schedule agrees", text, at);
            break;
        }
        check(next > at, "next is strictly after its argument", text, at);
        check(next - at <= longestSleep, "next is within 30 years (or the @every maximum)", text,
              at);
        check(schedule.next(QDateTime::fromMSecsSinceEpoch(at, Qt::UTC)).toMSecsSinceEpoch() ==
                  next,
              "nextMSecs and next agree", text, at);
        check(again->nextMSecs(at) == next, "the reparsed schedule agrees", text, at);
        at = next;
    }
    return 0;
}
