#include "settings/DatabaseUrlText.h"

#include <QUrl>

namespace jc {

namespace {

bool isPasswordOption(const QString &name)
{
    return name.compare(QLatin1String("password"), Qt::CaseInsensitive) == 0;
}

} // namespace

QString DatabaseUrlText::encodePart(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

QString DatabaseUrlText::scheme(SqlDialect dialect)
{
    return dialect == SqlDialect::MySql ? QStringLiteral("mysql://")
                                        : QStringLiteral("postgresql://");
}

QString DatabaseUrlText::format(const DatabaseUrl &url, Password password)
{
    if (url.dialect() == SqlDialect::Sqlite)
        return url.isEmpty() ? QString() : QStringLiteral("sqlite:") + url.filePath();
    const bool withPassword = password == Password::Include && url.hasPassword();
    QString text = scheme(url.dialect());
    if (!url.userName().isEmpty() || withPassword) {
        text += encodePart(url.userName());
        if (withPassword)
            text += u':' + encodePart(url.password());
        text += u'@';
    }
    // A host in brackets would be an IPv6 address; the console does not write those.
    text += url.host() + u':' + QString::number(url.port()) + u'/' + encodePart(url.databaseName());
    QStringList options;
    for (const auto &[name, value] : url.options()) {
        if (password == Password::Omit && isPasswordOption(name))
            continue;
        options.append(encodePart(name) + u'=' + encodePart(value));
    }
    if (!options.isEmpty())
        text += u'?' + options.join(u'&');
    return text;
}

Expected<DatabaseUrl, QString> DatabaseUrlText::withPassword(const DatabaseUrl &url,
                                                             const QString &password)
{
    if (url.dialect() == SqlDialect::Sqlite || password.isEmpty())
        return url;
    QString text = format(url, Password::Omit);
    const QString prefix = scheme(url.dialect());
    const qsizetype at = text.indexOf(u'@');
    if (at >= 0)
        text.insert(at, u':' + encodePart(password));
    else
        text.insert(prefix.size(), u':' + encodePart(password) + u'@');
    return DatabaseUrl::parse(text);
}

} // namespace jc
