#include "storage/StatementReuse.h"

namespace jc {

namespace {

thread_local StatementReuse *current = nullptr;

} // namespace

StatementReuse::StatementReuse()
    : m_outer(current)
{
    if (!m_outer)
        current = this;
}

StatementReuse::~StatementReuse()
{
    if (current == this)
        current = nullptr;
}

StatementReuse::Prepared *StatementReuse::acquire(const QSqlDatabase &db, const QString &sql)
{
    if (!current)
        return nullptr;
    Prepared &slot = current->m_prepared[db.connectionName() + u'\n' + sql];
    if (slot.inUse)
        return nullptr;
    slot.inUse = true;
    return &slot;
}

void StatementReuse::release(Prepared *prepared)
{
    if (prepared)
        prepared->inUse = false;
}

} // namespace jc
