#pragma once

#include "engine/PendingRun.h"
#include "engine/RunInfo.h"

#include <map>
#include <optional>

namespace jc {

struct SchedulerJob;

// The scheduler's timeline: every instant at which it has something to do, in order, so that
// one timer armed for the earliest serves them all (ARCHITECTURE.md, decision 1). Several
// events may share an instant. Knows nothing of clocks or timers: the scheduler asks what is
// due and arms its timer for earliest().
//
// Thread: the scheduler's. Handles stay valid until their event is taken or erased.
class EventTimeline
{
public:
    enum class Kind { Due, Retry, Timeout, Abandon, Resume, Heartbeat, ShareLive };
    struct Event
    {
        Kind kind = Kind::Due;
        SchedulerJob *job = nullptr; // all but Heartbeat and ShareLive
        RunId run = 0;               // Timeout, Abandon
        PendingRun pending;          // Due (occurrence), Retry, Resume (occurrence = resume time)
    };
    using Handle = std::multimap<qint64, Event>::iterator;

    Handle add(qint64 at, Event event);
    // Takes the event of `handle` off the timeline, if it is still set, and clears it.
    void erase(std::optional<Handle> &handle);
    // Takes off `job`'s events of `kind` at `at` (none: nothing to take off).
    void eraseJobEvents(const SchedulerJob &job, Kind kind, std::optional<qint64> at);
    void clear() { m_events.clear(); }

    // The instant of the earliest event; none when the timeline is empty.
    [[nodiscard]] std::optional<qint64> earliest() const;
    // Takes off and returns the earliest event at or before `now`, with its instant.
    std::optional<std::pair<qint64, Event>> takeDue(qint64 now);

private:
    std::multimap<qint64, Event> m_events;
};

} // namespace jc
