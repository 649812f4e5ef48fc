#pragma once

#include "storage/ConnectionFactory.h"

#include <QSqlDatabase>

#include <mutex>
#include <optional>

namespace jc {

// A write transaction on the calling thread's connection, rolled back unless committed.
//  - SQLite: BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait on the
//    busy timeout; a deferred BEGIN that reads first fails with "database is locked" when it
//    later tries to write while another connection writes (Qt's transaction() is deferred).
//    Writers of this process also queue on the factory's write lock first (see
//    ConnectionFactory::lockForWriting), held until COMMIT or ROLLBACK.
//  - PostgreSQL: a plain BEGIN.
// Errors are the database's text, ready for a person.
class WriteTransaction
{
public:
    WriteTransaction(const QSqlDatabase &db, ConnectionFactory &factory);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    std::optional<QString> begin(SqlDialect dialect);
    std::optional<QString> commit();
    // Rolls back now (the destructor does it otherwise) and lets other writers in.
    void rollback();

private:
    std::optional<QString> statement(const QString &sql);

    QSqlDatabase m_db;
    ConnectionFactory &m_factory;
    std::unique_lock<std::mutex> m_writer;
    bool m_open = false;
};

} // namespace jc
