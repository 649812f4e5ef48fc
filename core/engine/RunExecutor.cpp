#include "engine/RunExecutor.h"

#include "common/LogFields.h"
#include "engine/JobContext.h"
#include "engine/RunState.h"

#include <exception>

namespace jc {

void RunExecutor::execute(const Context &context)
{
    logExecuting(context);
    context.state->complete(runBody(context));
    context.state->publish();
}

void RunExecutor::runClaimed(const Context &context)
{
    logExecuting(context);
    context.state->complete(runBody(context));
}

void RunExecutor::logExecuting(const Context &context)
{
    const QLoggingCategory &category = context.log->category();
    if (!category.isInfoEnabled())
        return;
    const RunInfo &info = context.state->info();
    qCInfo(category).noquote() << LogFields::format(
        QStringLiteral("Executing job"), {{QStringLiteral("job"), info.job},
                                          {QStringLiteral("runId"), context.state->shownId()},
                                          {QStringLiteral("trigger"), toText(info.trigger)},
                                          {QStringLiteral("occurrence"), info.occurrence},
                                          {QStringLiteral("attempt"), info.attempt}});
}

RunJournal::ClaimRequest RunExecutor::claimRequest(const Context &context)
{
    const RunState &state = *context.state;
    return {state.info(),       RunJournal::occurrenceKey(state.info()),
            context.overlap,    state.nowMSecs(),
            context.leaseMSecs, context.instanceId,
            context.holder,     context.sessionLock};
}

bool RunExecutor::applyClaim(RunState &state, const RunJournal::Claim &claim)
{
    using Status = RunJournal::Claim::Status;
    using Kind = RunState::Refusal::Kind;
    switch (claim.status) {
    case Status::Claimed:
        state.setStoredRunId(claim.storedRunId);
        state.setFirstLogSeq(claim.firstLogSeq);
        return true;
    case Status::AlreadyClaimed:
        state.refuse({Kind::ClaimedElsewhere, claim.message});
        return false;
    case Status::Busy:
        state.refuse({Kind::BusyElsewhere, claim.message});
        return false;
    case Status::Paused:
        state.refuse({Kind::PausedElsewhere, claim.message});
        return false;
    case Status::Failed:
        break;
    }
    state.refuse({Kind::StorageFailed, claim.message});
    return false;
}

JobResult RunExecutor::runBody(const Context &context)
{
    JobContext jobContext(context.state, context.log->category());
    try {
        return context.body(jobContext);
    } catch (const std::exception &e) {
        return JobResult::failure(
            QStringLiteral("The job threw an exception: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        return JobResult::failure(QStringLiteral("The job threw an unknown exception"));
    }
}

RunJournal::Finish RunExecutor::finishOf(RunState &state)
{
    RunJournal::Finish finish;
    finish.unwrittenLog = state.unconfirmedLog(&finish.firstLogSeq);
    finish.storedRunId = state.storedRunId();
    finish.record = state.record();
    return finish;
}

void RunExecutor::applyFinish(const Context &context, const Expected<void, QString> &written)
{
    if (written)
        return;
    RunState &state = *context.state;
    state.setJournalError(written.error());
    qCWarning(context.log->category()).noquote()
        << LogFields::format(QStringLiteral("Could not record how the run ended"),
                             {{QStringLiteral("runId"), state.storedRunId()},
                              {QStringLiteral("error"), written.error()}});
}

} // namespace jc
