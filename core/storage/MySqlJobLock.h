#pragma once

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// MySQL's form of the claim's per-job lock: a named lock (64 characters at most, so the job's
// name is hashed) held by the session, taken before the claim's transaction and released after
// it ends (declare it before the WriteTransaction), so that two instances' overlap checks of
// one job never run at once. Waits at most 30 s, as a claim must not hang on a stuck instance.
// PostgreSQL takes pg_advisory_xact_lock inside the transaction instead (RunClaims).
//
// Thread: the connection's.
class MySqlJobLock
{
public:
    MySqlJobLock(const QSqlDatabase &db, const QString &job);
    ~MySqlJobLock();
    MySqlJobLock(const MySqlJobLock &) = delete;
    MySqlJobLock &operator=(const MySqlJobLock &) = delete;

    // Why the lock was not taken; nullopt when it is held.
    [[nodiscard]] std::optional<QString> error() const
    {
        return m_error.isEmpty() ? std::nullopt : std::optional(m_error);
    }

private:
    QSqlDatabase m_db;
    QString m_name;
    QString m_error;
};

} // namespace jc
