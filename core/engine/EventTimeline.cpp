#include "engine/EventTimeline.h"

namespace jc {

EventTimeline::Handle EventTimeline::add(qint64 at, Event event)
{
    return m_events.emplace(at, std::move(event));
}

void EventTimeline::erase(std::optional<Handle> &handle)
{
    if (handle) {
        m_events.erase(*handle);
        handle.reset();
    }
}

void EventTimeline::eraseJobEvents(const SchedulerJob &job, Kind kind, std::optional<qint64> at)
{
    if (!at)
        return;
    auto [first, last] = m_events.equal_range(*at);
    for (auto it = first; it != last;) {
        if (it->second.kind == kind && it->second.job == &job)
            it = m_events.erase(it);
        else
            ++it;
    }
}

std::optional<qint64> EventTimeline::earliest() const
{
    if (m_events.empty())
        return std::nullopt;
    return m_events.begin()->first;
}

std::optional<std::pair<qint64, EventTimeline::Event>> EventTimeline::takeDue(qint64 now)
{
    if (m_events.empty() || m_events.begin()->first > now)
        return std::nullopt;
    auto node = m_events.extract(m_events.begin());
    return std::pair{node.key(), std::move(node.mapped())};
}

} // namespace jc
