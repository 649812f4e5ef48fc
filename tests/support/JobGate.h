#pragma once

#include "engine/JobContext.h"
#include "engine/JobResult.h"

#include <QSemaphore>
#include <QString>

namespace jc::test {

// A gate a job body waits at until the test opens it (`open.release()`); `entered` counts the
// bodies that reached it. A body told to stop leaves with a failure, so a stopping scheduler
// never waits for the test.
struct JobGate
{
    QSemaphore entered;
    QSemaphore open;
    JobResult pass(JobContext &context)
    {
        entered.release();
        while (!open.tryAcquire(1, 5)) {
            if (context.isStopRequested())
                return JobResult::failure(QStringLiteral("stopped while waiting"));
        }
        return JobResult::success();
    }
};

} // namespace jc::test
