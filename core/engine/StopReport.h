#pragma once

#include "engine/RunInfo.h"

#include <QList>

namespace jc {

// What Scheduler::stop() achieved within its deadline.
struct StopReport
{
    int finished = 0;         // runs that ended (cancelled or not) before the deadline
    QList<RunInfo> abandoned; // runs whose bodies were still going at the deadline

    [[nodiscard]] bool isClean() const { return abandoned.isEmpty(); }
};

} // namespace jc
