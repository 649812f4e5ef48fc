#include "storage/RunPages.h"

#include "engine/RunOutcome.h"

#include <QList>
#include <QStringList>

namespace jc {

namespace {

// The pattern for "contains `text` literally": %, _ and the escape character itself are
// escaped with a backslash, which is bound as the ESCAPE character (no quoting in the SQL).
QString containsPattern(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += u'%';
    for (const QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped += u'\\';
        escaped += c;
    }
    escaped += u'%';
    return escaped;
}

// The WHERE clause of a RunQuery of at most one outcome: fixed SQL text per filter, every value
// bound. The branches of one statement share every value but their outcome's, whose
// placeholder is named after it (SqlStatement binds a name used twice once).
struct Where
{
    QStringList conditions;
    SqlStatement::Values values;

    void add(const QString &condition, const SqlStatement::Values &bound)
    {
        conditions.append(condition);
        values.insert(bound);
    }
    [[nodiscard]] QString sql() const
    {
        return conditions.isEmpty()
                   ? QString()
                   : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    }
};

Where whereFor(const RunQuery &query, SqlDialect dialect)
{
    Where where;
    if (!query.job.isEmpty())
        where.add(QStringLiteral("job_name = :job"), {{QStringLiteral(":job"), query.job}});
    if (!query.outcomes.isEmpty()) {
        const QString status = toText(query.outcomes.constFirst());
        const QString mark = QStringLiteral(":status_") + status;
        where.add(QStringLiteral("status = ") + mark, {{mark, status}});
    }
    if (query.since.isValid())
        where.add(QStringLiteral("started_at_ms >= :since"),
                  {{QStringLiteral(":since"), query.since.toMSecsSinceEpoch()}});
    if (query.until.isValid())
        where.add(QStringLiteral("started_at_ms < :until"),
                  {{QStringLiteral(":until"), query.until.toMSecsSinceEpoch()}});
    if (!query.errorContains.isEmpty()) {
        // SQLite's LIKE ignores ASCII case; PostgreSQL's needs ILIKE.
        where.add(dialect == SqlDialect::Postgres
                      ? QStringLiteral("error ILIKE :pattern ESCAPE :escape")
                      : QStringLiteral("error LIKE :pattern ESCAPE :escape"),
                  {{QStringLiteral(":pattern"), containsPattern(query.errorContains)},
                   {QStringLiteral(":escape"), QStringLiteral("\\")}});
    }
    if (query.beforeId > 0)
        where.add(QStringLiteral("id < :before"), {{QStringLiteral(":before"), query.beforeId}});
    return where;
}

// The page of `query` (at most one outcome) read in one walk down the ids.
RunPageStatement singleWalk(const RunQuery &query, SqlDialect dialect, const QString &columns)
{
    const Where where = whereFor(query, dialect);
    RunPageStatement statement{
        QStringLiteral("SELECT %1 FROM jc_runs%2 ORDER BY id DESC LIMIT :limit")
            .arg(columns, where.sql()),
        where.values};
    statement.values.insert(QStringLiteral(":limit"), query.limit);
    return statement;
}

} // namespace

RunPageStatement RunPages::page(const RunQuery &query, SqlDialect dialect, const QString &columns)
{
    QList<RunOutcome> outcomes;
    for (const RunOutcome outcome : query.outcomes) {
        if (!outcomes.contains(outcome))
            outcomes.append(outcome);
    }
    if (outcomes.size() <= 1) {
        RunQuery one = query;
        one.outcomes = outcomes;
        return singleWalk(one, dialect, columns);
    }
    // One branch per outcome, each a derived table so that its ORDER BY and LIMIT hold on
    // every dialect; the union is at most outcomes × limit rows, sorted once.
    RunPageStatement statement;
    QStringList branches;
    for (const RunOutcome outcome : std::as_const(outcomes)) {
        RunQuery one = query;
        one.outcomes = {outcome};
        const RunPageStatement branch = singleWalk(one, dialect, columns);
        branches.append(QStringLiteral("SELECT %1 FROM (%2) AS page_%3")
                            .arg(columns, branch.sql)
                            .arg(branches.size()));
        statement.values.insert(branch.values);
    }
    statement.sql = branches.join(QStringLiteral(" UNION ALL ")) +
                    QStringLiteral(" ORDER BY id DESC LIMIT :limit"); // the branches' :limit
    return statement;
}

} // namespace jc
