#include "data/DatabaseReader.h"

namespace jc {

DatabaseReader::DatabaseReader(std::shared_ptr<ConnectionFactory> database, QObject *parent,
                               std::chrono::milliseconds shutdownDeadline)
    : QObject(parent)
    , m_database(std::move(database))
    , m_pool(this, 2, shutdownDeadline, QStringLiteral("jc.ui.reader"))
{
    m_pool.keepThreads(); // and so their connections
}

DatabaseReader::~DatabaseReader() = default;

void DatabaseReader::reportSuccess()
{
    if (m_connected)
        return;
    m_connected = true;
    m_lastError.clear();
    emit connectionChanged(true, {});
}

void DatabaseReader::reportFailure(const QString &error)
{
    const bool changed = m_connected || error != m_lastError;
    m_connected = false;
    m_lastError = error;
    if (changed)
        emit connectionChanged(false, error);
}

} // namespace jc
