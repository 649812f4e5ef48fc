#pragma once

// The web app's tables exactly as its own migrations create them (../shared/design/
// APP-SCHEMA.md), for tests that check that Job Console adopts them as they are:
// tests/support/fixtures/app-schema-<dialect>.sql, one statement per paragraph, `--` comments.
#include <QFile>
#include <QString>
#include <QStringList>

namespace jc::test {

// The statements of `fixture` (a path), or none when it cannot be read.
inline QStringList sqlStatements(const QString &fixture)
{
    QFile file(fixture);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList statements;
    for (const QString &paragraph :
         QString::fromUtf8(file.readAll()).split(QStringLiteral("\n\n"))) {
        QStringList lines;
        for (const QString &line : paragraph.split(u'\n'))
            if (!line.startsWith(QLatin1String("--")))
                lines.append(line);
        if (const QString statement = lines.join(u'\n').trimmed(); !statement.isEmpty())
            statements.append(statement);
    }
    return statements;
}

} // namespace jc::test
