#include "data/DatabaseReader.h"

namespace jc {

DatabaseReader::DatabaseReader(std::shared_ptr<ConnectionFactory> database, QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
{
    m_pool.setMaxThreadCount(2);
    m_pool.setExpiryTimeout(-1); // keep the threads, and so their connections
    m_pool.setObjectName(QStringLiteral("jc.ui.reader"));
}

DatabaseReader::~DatabaseReader()
{
    m_pool.waitForDone();
}

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
