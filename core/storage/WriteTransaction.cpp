#include "storage/WriteTransaction.h"

#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QSqlQuery>

namespace jc {

WriteTransaction::WriteTransaction(const QSqlDatabase &db, ConnectionFactory &factory)
    : m_db(db) // QSqlDatabase (Qt 6.4) has no move constructor: a handle copy either way
    , m_factory(factory)
{}

WriteTransaction::~WriteTransaction()
{
    rollback();
}

std::optional<QString> WriteTransaction::begin(SqlDialect dialect)
{
    m_writer = m_factory.lockForWriting();
    auto error = statement(dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                                         : QStringLiteral("BEGIN"));
    m_open = !error;
    if (error && m_writer.owns_lock())
        m_writer.unlock();
    return error;
}

std::optional<QString> WriteTransaction::commit()
{
    auto error = statement(QStringLiteral("COMMIT"));
    m_open = m_open && error; // a failed COMMIT still needs its ROLLBACK
    if (!m_open && m_writer.owns_lock())
        m_writer.unlock();
    return error;
}

void WriteTransaction::rollback()
{
    if (m_open)
        statement(QStringLiteral("ROLLBACK"));
    m_open = false;
    if (m_writer.owns_lock())
        m_writer.unlock();
}

std::optional<QString> WriteTransaction::statement(const QString &sql)
{
    QSqlQuery query(m_db);
    if (query.exec(sql))
        return std::nullopt;
    const QString error = SqlErrors::text(query.lastError());
    qCDebug(lcStorage).noquote() << sql << "failed:" << error;
    return error;
}

} // namespace jc
