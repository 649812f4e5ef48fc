#include "storage/RunLiveness.h"

#include "common/ProcessIdentity.h"

namespace jc {

RunLiveness::State RunLiveness::of(const QString &holder, bool sessionEnded, qint64 heartbeatMSecs,
                                   qint64 leaseMSecs, qint64 nowMSecs)
{
    switch (ProcessIdentity::liveness(holder)) {
    case ProcessIdentity::Liveness::Gone:
        return State::HolderGone;
    case ProcessIdentity::Liveness::Alive:
        return State::Alive;
    case ProcessIdentity::Liveness::Unknown:
        break;
    }
    if (sessionEnded)
        return State::SessionEnded;
    return nowMSecs - heartbeatMSecs >= leaseMSecs ? State::LeaseExpired : State::Alive;
}

RunLiveness::State RunLiveness::of(const StoredRun &run, qint64 nowMSecs, qint64 defaultLeaseMSecs)
{
    if (run.outcome != RunOutcome::Running)
        return State::Alive;
    const QDateTime heartbeat = run.heartbeatAt.isValid() ? run.heartbeatAt : run.startedAt;
    return of(run.holder, run.sessionEnded, heartbeat.toMSecsSinceEpoch(),
              run.leaseMSecs > 0 ? run.leaseMSecs : defaultLeaseMSecs, nowMSecs);
}

std::optional<QDateTime> RunLiveness::notRespondingSince(const StoredRun &run, qint64 nowMSecs)
{
    if (of(run, nowMSecs) == State::Alive)
        return std::nullopt;
    return run.heartbeatAt.isValid() ? run.heartbeatAt : run.startedAt;
}

QString RunLiveness::reason(State state, const QString &holder, qint64 leaseMSecs)
{
    if (state == State::HolderGone)
        return QStringLiteral("The process running it (%1) is gone: killed, crashed or its host "
                              "restarted")
            .arg(ProcessIdentity::describe(holder));
    if (state == State::SessionEnded)
        return QStringLiteral("The instance running it%1 lost its database connection: "
                              "killed, crashed or cut off")
            .arg(holder.isEmpty() ? QString()
                                  : QStringLiteral(" (%1)").arg(ProcessIdentity::describe(holder)));
    return QStringLiteral("The instance running it stopped heartbeating (lease of %1 s "
                          "expired); it was probably killed or lost power")
        .arg(QString::number(static_cast<double>(leaseMSecs) / 1000.0));
}

} // namespace jc
