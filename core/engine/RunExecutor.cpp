#include "engine/RunExecutor.h"

#include "common/LogFields.h"
#include "engine/JobContext.h"
#include "engine/RunState.h"

#include <exception>

namespace jc {

void RunExecutor::execute(const Context &context)
{
    if (context.journal && !claim(context)) {
        context.state->publish();
        return;
    }
    logExecuting(context);
    context.state->complete(runBody(context));
    if (context.journal)
        record(context);
    context.state->publish();
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

// The claim makes the occurrence run once across every instance sharing the journal.
bool RunExecutor::claim(const Context &context)
{
    RunState &state = *context.state;
    RunJournal::ClaimRequest request{state.info(),       RunJournal::occurrenceKey(state.info()),
                                     context.overlap,    state.nowMSecs(),
                                     context.leaseMSecs, context.instanceId,
                                     context.holder,     context.sessionLock};
    const RunJournal::Claim claim = context.journal->claim(request);
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

void RunExecutor::record(const Context &context)
{
    RunState &state = *context.state;
    int firstSeq = 0;
    const QList<LogLine> unwritten = state.takeUnwrittenLog(&firstSeq);
    const auto written =
        context.journal->finish(state.storedRunId(), state.record(), unwritten, firstSeq);
    if (!written) {
        state.setJournalError(written.error());
        qCWarning(context.log->category()).noquote()
            << LogFields::format(QStringLiteral("Could not record how the run ended"),
                                 {{QStringLiteral("runId"), state.storedRunId()},
                                  {QStringLiteral("error"), written.error()}});
    }
}

} // namespace jc
