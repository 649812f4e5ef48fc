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

// The WHERE clause of a RunQuery: fixed SQL text per filter, every value bound. `suffix` ends
// every placeholder's name, so that each branch of one statement binds its own values.
struct Where
{
    QStringList conditions;
    SqlStatement::Values values;

    void add(const QString &condition, const SqlStatement::Values &bound)
    {
        conditions.append(condition);
        values.insert(bound);
    }
    QString sql() const
    {
        return conditions.isEmpty()
                   ? QString()
                   : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    }
};

Where whereFor(const RunQuery &query, SqlDialect dialect, const QString &suffix)
{
    Where where;
    if (!query.job.isEmpty())
        where.add(QStringLiteral("job_name = :job%1").arg(suffix),
                  {{QStringLiteral(":job") + suffix, query.job}});
    if (query.outcomes.size() == 1) {
        const QString mark = QStringLiteral(":status") + suffix;
        where.add(QStringLiteral("status = %1").arg(mark),
                  {{mark, toText(query.outcomes.constFirst())}});
    } else if (!query.outcomes.isEmpty()) {
        QStringList marks;
        SqlStatement::Values statuses;
        for (const RunOutcome outcome : query.outcomes) {
            marks.append(QStringLiteral(":status%1%2").arg(marks.size()).arg(suffix));
            statuses.insert(marks.constLast(), toText(outcome));
        }
        where.add(QStringLiteral("status IN (%1)").arg(marks.join(QStringLiteral(", "))), statuses);
    }
    if (query.since.isValid())
        where.add(QStringLiteral("started_at_ms >= :since%1").arg(suffix),
                  {{QStringLiteral(":since") + suffix, query.since.toMSecsSinceEpoch()}});
    if (query.until.isValid())
        where.add(QStringLiteral("started_at_ms < :until%1").arg(suffix),
                  {{QStringLiteral(":until") + suffix, query.until.toMSecsSinceEpoch()}});
    if (!query.errorContains.isEmpty()) {
        // SQLite's LIKE ignores ASCII case; PostgreSQL's needs ILIKE.
        where.add(dialect == SqlDialect::Postgres
                      ? QStringLiteral("error ILIKE :pattern%1 ESCAPE :escape%1").arg(suffix)
                      : QStringLiteral("error LIKE :pattern%1 ESCAPE :escape%1").arg(suffix),
                  {{QStringLiteral(":pattern") + suffix, containsPattern(query.errorContains)},
                   {QStringLiteral(":escape") + suffix, QStringLiteral("\\")}});
    }
    if (query.beforeId > 0)
        where.add(QStringLiteral("id < :before%1").arg(suffix),
                  {{QStringLiteral(":before") + suffix, query.beforeId}});
    return where;
}

// The page read in one walk down the ids, `suffix` ending its placeholders' names.
RunPageStatement singleWalk(const RunQuery &query, SqlDialect dialect, const QString &columns,
                            const QString &suffix)
{
    const Where where = whereFor(query, dialect, suffix);
    RunPageStatement statement{
        QStringLiteral("SELECT %1 FROM jc_runs%2 ORDER BY id DESC LIMIT :limit%3")
            .arg(columns, where.sql(), suffix),
        where.values};
    statement.values.insert(QStringLiteral(":limit") + suffix, query.limit);
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
        return singleWalk(one, dialect, columns, {});
    }
    // One branch per outcome, each a derived table so that its ORDER BY and LIMIT hold on
    // every dialect; the union is at most outcomes × limit rows, sorted once.
    RunPageStatement statement;
    QStringList branches;
    for (const RunOutcome outcome : std::as_const(outcomes)) {
        RunQuery one = query;
        one.outcomes = {outcome};
        const QString suffix = QStringLiteral("_%1").arg(branches.size());
        const RunPageStatement branch = singleWalk(one, dialect, columns, suffix);
        branches.append(
            QStringLiteral("SELECT %1 FROM (%2) AS page%3").arg(columns, branch.sql, suffix));
        statement.values.insert(branch.values);
    }
    statement.sql = branches.join(QStringLiteral(" UNION ALL ")) +
                    QStringLiteral(" ORDER BY id DESC LIMIT :limit");
    statement.values.insert(QStringLiteral(":limit"), query.limit);
    return statement;
}

} // namespace jc
