#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

namespace jc {

// A job's own logging category, "jc.job.<slug>" ("Monthly Credit Top-Up" ->
// "jc.job.monthly-credit-top-up"), so admins can turn one job's debug output on with
// QT_LOGGING_RULES. QLoggingCategory keeps a pointer to its name: the two live together.
// Shared by the scheduler and the bodies running on workers.
class JobLogCategory
{
public:
    explicit JobLogCategory(const QString &jobName);
    JobLogCategory(const JobLogCategory &) = delete;
    JobLogCategory &operator=(const JobLogCategory &) = delete;

    static QByteArray nameFor(const QString &jobName);
    // The part after "jc.job.": what `jobctl` accepts in place of the job's name.
    static QByteArray slugFor(const QString &jobName);
    [[nodiscard]] const QLoggingCategory &category() const { return m_category; }

private:
    const QByteArray m_name;
    const QLoggingCategory m_category;
};

} // namespace jc
