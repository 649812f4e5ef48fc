#pragma once

#include <QJsonObject>
#include <QString>

namespace jc {

// What a job body returns: success, or failure with an error text a person can act on.
// Either way it may carry summary counts ({"usersToppedUp": 120, ...}) stored with the run.
class JobResult
{
public:
    static JobResult success(QJsonObject summary = {}) { return {true, {}, std::move(summary)}; }
    static JobResult failure(QString error, QJsonObject summary = {})
    {
        return {false, std::move(error), std::move(summary)};
    }

    [[nodiscard]] bool isSuccess() const { return m_success; }
    [[nodiscard]] const QString &error() const { return m_error; }
    [[nodiscard]] const QJsonObject &summary() const { return m_summary; }

private:
    JobResult(bool success, QString error, QJsonObject summary)
        : m_success(success)
        , m_error(std::move(error))
        , m_summary(std::move(summary))
    {}

    bool m_success;
    QString m_error;
    QJsonObject m_summary;
};

} // namespace jc
