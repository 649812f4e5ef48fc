#pragma once

#include "engine/JobDefinition.h"
#include "engine/JobLogCategory.h"
#include "engine/RunJournal.h"

#include <memory>

namespace jc {

class RunState;

// What a worker thread does with one run: claim its occurrence in the journal (when there is
// one), run the body, write how it ended, and tell the scheduler. Whatever the body does
// (returns, throws), the run ends exactly once; when the claim is refused the body never runs.
class RunExecutor
{
public:
    struct Context
    {
        std::shared_ptr<RunState> state;
        JobDefinition::Body body;
        std::shared_ptr<const JobLogCategory> log;
        std::shared_ptr<RunJournal> journal; // may be null: nothing is recorded
        OverlapPolicy overlap = OverlapPolicy::Skip;
        qint64 leaseMSecs = 60000;
        QString instanceId;
        QString holder;         // see RunJournal::ClaimRequest::holder
        qint64 sessionLock = 0; // see RunJournal::ClaimRequest::sessionLock
    };

    // Runs on a worker thread.
    static void execute(const Context &context);

private:
    static bool claim(const Context &context);
    static void logExecuting(const Context &context);
    static JobResult runBody(const Context &context);
    static void record(const Context &context);
};

} // namespace jc
