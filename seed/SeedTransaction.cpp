#include "seed/SeedTransaction.h"

#include "storage/SqlErrors.h"

#include <QSqlQuery>

namespace jc {

SeedTransaction::SeedTransaction(QSqlDatabase db)
    : m_db(db)
{}

SeedTransaction::~SeedTransaction()
{
    if (m_open)
        statement(QStringLiteral("ROLLBACK"));
}

std::optional<QString> SeedTransaction::begin(SqlDialect dialect)
{
    auto error = statement(dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE")
                                                         : QStringLiteral("BEGIN"));
    m_open = !error;
    return error;
}

std::optional<QString> SeedTransaction::commit()
{
    auto error = statement(QStringLiteral("COMMIT"));
    m_open = m_open && error; // a failed COMMIT still needs its ROLLBACK
    return error;
}

std::optional<QString> SeedTransaction::statement(const QString &sql)
{
    QSqlQuery query(m_db);
    if (query.exec(sql))
        return std::nullopt;
    return SqlErrors::text(query.lastError());
}

} // namespace jc
