#include "engine/JournalBatcher.h"

#include "common/BackgroundPriority.h"
#include "engine/RunState.h"

#include <QThreadPool>

namespace jc {

JournalBatcher::JournalBatcher(std::shared_ptr<RunJournal> journal, QThreadPool &pool)
    : m_journal(std::move(journal))
    , m_pool(pool)
{}

void JournalBatcher::claim(RunExecutor::Context context)
{
    const std::lock_guard lock(m_mutex);
    m_claims.push_back(std::move(context));
    if (m_claiming)
        return;
    m_claiming = true;
    BackgroundPriority::start(m_pool, [self = shared_from_this()] { self->claimQueued(); });
}

JournalBatcher::Batch JournalBatcher::takeRound(std::deque<RunExecutor::Context> &queue, bool &busy)
{
    const std::lock_guard lock(m_mutex);
    const std::size_t count = std::min(queue.size(), maxPerRound);
    Batch round(std::make_move_iterator(queue.begin()),
                std::make_move_iterator(queue.begin() + static_cast<std::ptrdiff_t>(count)));
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(count));
    if (round.empty())
        busy = false;
    return round;
}

void JournalBatcher::claimQueued()
{
    for (Batch round = takeRound(m_claims, m_claiming); !round.empty();
         round = takeRound(m_claims, m_claiming)) {
        Batch claimed = claimRound(std::move(round));
        if (claimed.empty())
            continue;
        RunExecutor::Context last = std::move(claimed.back());
        claimed.pop_back();
        for (RunExecutor::Context &context : claimed)
            startBody(std::move(context));
        if (lastRound()) {
            // Nothing more to claim: this thread runs the last body itself, as a run alone
            // would be run by the worker that claimed it, without waking another thread.
            runClaimed(last);
            return;
        }
        startBody(std::move(last));
    }
}

void JournalBatcher::startBody(RunExecutor::Context context)
{
    BackgroundPriority::start(m_pool, [self = shared_from_this(), context = std::move(context)] {
        self->runClaimed(context);
    });
}

JournalBatcher::Batch JournalBatcher::claimRound(Batch round)
{
    QList<RunJournal::ClaimRequest> requests;
    requests.reserve(static_cast<qsizetype>(round.size()));
    for (const RunExecutor::Context &context : round)
        requests.append(RunExecutor::claimRequest(context));
    const QList<RunJournal::Claim> claims = m_journal->claimAll(requests);
    Batch claimed;
    claimed.reserve(round.size());
    for (std::size_t i = 0; i < round.size(); ++i) {
        const auto index = static_cast<qsizetype>(i);
        const RunJournal::Claim claim =
            index < claims.size()
                ? claims.at(index)
                : RunJournal::Claim{RunJournal::Claim::Status::Failed, 0,
                                    QStringLiteral("The journal gave no answer to this claim"), 0};
        if (RunExecutor::applyClaim(*round[i].state, claim))
            claimed.push_back(std::move(round[i]));
        else
            round[i].state->publish();
    }
    return claimed;
}

bool JournalBatcher::lastRound()
{
    const std::lock_guard lock(m_mutex);
    if (!m_claims.empty())
        return false;
    m_claiming = false;
    return true;
}

void JournalBatcher::runClaimed(const RunExecutor::Context &context)
{
    RunExecutor::runClaimed(context);
    finished(context);
}

void JournalBatcher::finished(RunExecutor::Context context)
{
    {
        const std::lock_guard lock(m_mutex);
        m_finishes.push_back(std::move(context));
        if (m_finishing)
            return;
        m_finishing = true;
    }
    finishQueued();
}

void JournalBatcher::finishQueued()
{
    for (Batch round = takeRound(m_finishes, m_finishing); !round.empty();
         round = takeRound(m_finishes, m_finishing)) {
        QList<RunJournal::Finish> ends;
        ends.reserve(static_cast<qsizetype>(round.size()));
        for (const RunExecutor::Context &context : round)
            ends.append(RunExecutor::finishOf(*context.state));
        const QList<Expected<void, QString>> written = m_journal->finishAll(ends);
        for (std::size_t i = 0; i < round.size(); ++i) {
            const auto index = static_cast<qsizetype>(i);
            RunExecutor::applyFinish(
                round[i], index < written.size()
                              ? written.at(index)
                              : Expected<void, QString>(Unexpected(
                                    QStringLiteral("The journal gave no answer to this end"))));
            round[i].state->publish();
        }
    }
}

} // namespace jc
