#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace jc {

// A job's pause as stored: who paused it, when, why, and when it ends by itself (if ever).
struct PauseState
{
    QString pausedBy;
    QDateTime pausedAt; // Qt::UTC
    QString reason;
    std::optional<QDateTime> resumeAt; // Qt::UTC; nullopt: until someone resumes it

    // Still in force at `nowMSecs`: a pause whose resume time has come is over.
    [[nodiscard]] bool isActiveAt(qint64 nowMSecs) const
    {
        return !resumeAt || resumeAt->toMSecsSinceEpoch() > nowMSecs;
    }
};

// The pause state of every job (jc_job_pauses), shared by all instances on the database: each
// honours what is stored here, so a pause set from the console or jobctl holds everywhere.
// A pause with a resume time ends by itself: from then on activePauses() leaves it out (the
// row stays until resumed or paused again; it is harmless).
//
// Thread: any member from any thread; each call uses the calling thread's own connection.
// Errors are values.
class PauseStore
{
public:
    explicit PauseStore(std::shared_ptr<ConnectionFactory> connections);

    // Pauses `job`, or replaces its pause (who, when, why, until), and records it in the job's
    // change log (JobSettingsStore, JobChangeKind::Pause) in the same transaction. A resume
    // time that is not after `nowMSecs` is refused: that pause would be over before it began.
    Expected<void, QString> pause(const QString &job, const QString &pausedBy,
                                  const QString &reason, const std::optional<QDateTime> &resumeAt,
                                  qint64 nowMSecs);

    // Ends the pause of `job` and records who ended it, when, and which pause it was.
    // Returns whether it had one (false: it was not paused, and nothing is recorded).
    Expected<bool, QString> resume(const QString &job, const QString &resumedBy, qint64 nowMSecs);

    // Every stored pause, expired ones included (the console shows "ended at ...").
    [[nodiscard]] Expected<QHash<QString, PauseState>, QString> all() const;

    // The pauses in force at `nowMSecs`: what the scheduler honours.
    [[nodiscard]] Expected<QHash<QString, PauseState>, QString> activePauses(qint64 nowMSecs) const;

    // The stored pause of `job` (nullopt: none), and every stored pause, on a connection the
    // caller holds: the claim reads them inside its own transaction (RunClaims).
    static Expected<std::optional<PauseState>, QString> storedOn(QSqlDatabase &db,
                                                                 const QString &job);
    static Expected<QHash<QString, PauseState>, QString> allStoredOn(QSqlDatabase &db);

    // A pause as a change log records it: pausedBy, pausedAt, reason and until (ISO 8601).
    static QJsonObject toJson(const PauseState &pause);
    static std::optional<PauseState> fromJson(const QJsonObject &object);

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
