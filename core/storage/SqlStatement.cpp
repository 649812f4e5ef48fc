#include "storage/SqlStatement.h"

#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <utility>

namespace jc {

namespace {

bool isNameCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
           c == u'_';
}

// A statement's first words: enough to tell which one failed, without a page of SQL.
QString opening(const QString &sql)
{
    constexpr qsizetype Shown = 60;
    const QString simplified = sql.simplified();
    return simplified.size() <= Shown ? simplified : simplified.left(Shown) + QStringLiteral("…");
}

} // namespace

QString SqlStatement::Failure::text() const
{
    return SqlErrors::text(error);
}

QString SqlStatement::Failure::withStatement() const
{
    return QStringLiteral("%1 (in \"%2\")").arg(text(), opening(sql));
}

SqlStatement::SqlStatement(const QSqlDatabase &db, QString sql)
    : m_sql(std::move(sql))
    , m_shared(StatementReuse::acquire(db, m_sql))
{
    if (m_shared && m_shared->prepared) {
        m_query = m_shared->query;
        m_names = m_shared->names;
        m_prepared = true;
        m_reused = true;
        return;
    }
    m_query = std::make_shared<QSqlQuery>(db);
    m_query->setForwardOnly(true);
    m_names = placeholdersOf(m_sql);
}

SqlStatement::~SqlStatement()
{
    if (m_shared) {
        m_query->finish(); // rows not read are let go now, as destroying the query would
        StatementReuse::release(m_shared);
    }
}

SqlStatement::SqlStatement(SqlStatement &&other) noexcept
    : m_query(std::move(other.m_query))
    , m_sql(std::move(other.m_sql))
    , m_names(std::move(other.m_names))
    , m_prepared(other.m_prepared)
    , m_reused(other.m_reused)
    , m_shared(std::exchange(other.m_shared, nullptr))
{}

SqlStatement &SqlStatement::operator=(SqlStatement &&other) noexcept
{
    if (this == &other)
        return *this;
    if (m_shared) {
        m_query->finish();
        StatementReuse::release(m_shared);
    }
    m_query = std::move(other.m_query);
    m_sql = std::move(other.m_sql);
    m_names = std::move(other.m_names);
    m_prepared = other.m_prepared;
    m_reused = other.m_reused;
    m_shared = std::exchange(other.m_shared, nullptr);
    return *this;
}

// Qt's scan (QSqlResultPrivate::namedToPositionalBinding), so that the names checked here are
// the names Qt binds: quoted text ('…', "…", `…`) is skipped, and a ':' after a ':' is a cast.
QStringList SqlStatement::placeholdersOf(const QString &sql)
{
    QStringList names;
    QChar closingQuote;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!closingQuote.isNull()) {
            if (c == closingQuote)
                closingQuote = QChar();
        } else if (c == u'\'' || c == u'"' || c == u'`') {
            closingQuote = c;
        } else if (c == u':' && (i == 0 || sql.at(i - 1) != u':') && i + 1 < sql.size() &&
                   isNameCharacter(sql.at(i + 1))) {
            qsizetype end = i + 1;
            while (end < sql.size() && isNameCharacter(sql.at(end)))
                ++end;
            const QString name = sql.mid(i, end - i);
            if (!names.contains(name))
                names.append(name);
            i = end - 1;
        }
    }
    return names;
}

std::optional<SqlStatement::Failure> SqlStatement::prepare()
{
    if (m_prepared)
        return std::nullopt;
    if (!m_query->prepare(m_sql))
        return failure(m_query->lastError());
    m_prepared = true;
    if (m_shared) {
        m_shared->query = m_query;
        m_shared->names = m_names;
        m_shared->prepared = true;
    }
    return std::nullopt;
}

std::optional<SqlStatement::Failure> SqlStatement::exec(const Values &values)
{
    if (auto failed = prepare())
        return failed;
    for (const QString &name : std::as_const(m_names)) {
        if (!values.contains(name))
            return failure(QSqlError(QStringLiteral("no value for %1").arg(name), {},
                                     QSqlError::StatementError));
    }
    if (values.size() != m_names.size()) {
        for (auto value = values.cbegin(); value != values.cend(); ++value) {
            if (!m_names.contains(value.key()))
                return failure(QSqlError(QStringLiteral("no placeholder %1").arg(value.key()), {},
                                         QSqlError::StatementError));
        }
    }
    for (auto value = values.cbegin(); value != values.cend(); ++value)
        m_query->bindValue(value.key(), value.value());
    if (!m_query->exec())
        return failure(m_query->lastError());
    return std::nullopt;
}

SqlStatement::Failure SqlStatement::failure(const QSqlError &error) const
{
    Failure failed{m_sql, error};
    qCDebug(lcStorage).noquote() << "statement failed:" << failed.withStatement();
    return failed;
}

} // namespace jc
