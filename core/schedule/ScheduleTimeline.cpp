#include "schedule/ScheduleTimeline.h"

#include <algorithm>

namespace jc {

ScheduleTimeline::ScheduleTimeline(Schedule current)
    : m_current(std::move(current))
{}

ScheduleTimeline::ScheduleTimeline(QList<Replaced> earlier, Schedule current)
    : m_earlier(std::move(earlier))
    , m_current(std::move(current))
{
    for (qsizetype i = 1; i < m_earlier.size(); ++i)
        m_earlier[i].replacedAt = std::max(m_earlier[i].replacedAt, m_earlier[i - 1].replacedAt);
}

qint64 ScheduleTimeline::nextMSecs(qint64 after) const
{
    // The schedule in force just after `after`: the first one not yet replaced at `after`.
    auto segment = std::upper_bound(
        m_earlier.cbegin(), m_earlier.cend(), after,
        [](qint64 instant, const Replaced &replaced) { return instant < replaced.replacedAt; });
    qint64 from = after;
    for (; segment != m_earlier.cend(); ++segment) {
        const qint64 next = segment->schedule.nextMSecs(from);
        if (next >= 0 && next <= segment->replacedAt)
            return next;
        // None before it was replaced: its successor's occurrences come strictly after that.
        from = segment->replacedAt;
    }
    return m_current.nextMSecs(from);
}

} // namespace jc
