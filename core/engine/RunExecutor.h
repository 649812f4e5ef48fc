#pragma once

#include "engine/JobDefinition.h"
#include "engine/JobLogCategory.h"
#include "engine/RunJournal.h"

#include <memory>

namespace jc {

class RunState;

// What a worker thread does with one run. Without a journal: run the body and tell the
// scheduler (execute). With one, JournalBatcher claims the occurrence first and records how
// the run ended, many runs per transaction; these are the steps it uses for each run. Whatever
// the body does (returns, throws), the run ends exactly once; when the claim is refused the
// body never runs.
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

    // On a worker thread, a run without a journal: the body, then the scheduler is told.
    static void execute(const Context &context);

    // What claims the run's occurrence (the claim makes it run once across every instance
    // sharing the journal).
    static RunJournal::ClaimRequest claimRequest(const Context &context);
    // Takes the journal's answer: true when claimed (the run has its stored id); otherwise
    // the run is refused and must be published without running.
    static bool applyClaim(RunState &state, const RunJournal::Claim &claim);
    // On a worker thread, a claimed run: logs "Executing job" and runs the body. The run is
    // complete, not yet recorded or published.
    static void runClaimed(const Context &context);
    // What records how the completed run ended (takes its log lines not yet written).
    static RunJournal::Finish finishOf(RunState &state);
    // Takes the journal's answer to finishOf(): a failure is kept on the run and logged.
    static void applyFinish(const Context &context, const Expected<void, QString> &written);

private:
    static void logExecuting(const Context &context);
    static JobResult runBody(const Context &context);
};

} // namespace jc
