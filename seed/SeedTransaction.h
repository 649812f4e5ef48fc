#pragma once

#include "storage/SqlDialect.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// One write transaction on a connection, rolled back unless committed: what the seed writes
// lands whole or not at all. SQLite: BEGIN IMMEDIATE, so that the write lock is taken up
// front and a concurrent writer makes it wait (busy timeout) rather than fail half-way.
// Belongs to the thread that owns the connection.
class SeedTransaction
{
public:
    explicit SeedTransaction(QSqlDatabase db);
    ~SeedTransaction();
    SeedTransaction(const SeedTransaction &) = delete;
    SeedTransaction &operator=(const SeedTransaction &) = delete;

    std::optional<QString> begin(SqlDialect dialect);
    std::optional<QString> commit();
    [[nodiscard]] bool isOpen() const { return m_open; }

private:
    std::optional<QString> statement(const QString &sql);

    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace jc
