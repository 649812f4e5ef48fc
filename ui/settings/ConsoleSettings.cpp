#include "settings/ConsoleSettings.h"

#include "settings/DatabaseUrlText.h"
#include "storage/DatabaseUrl.h"

namespace jc {

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

ConsoleSettings::ConsoleSettings()
    : m_settings(std::make_unique<QSettings>())
{}

ConsoleSettings::ConsoleSettings(const QString &iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{}

ConsoleSettings::~ConsoleSettings() = default;

QString ConsoleSettings::databaseUrl() const
{
    return m_settings->value(key("database/url")).toString();
}

bool ConsoleSettings::setDatabaseUrl(const QString &urlText)
{
    const QString trimmed = urlText.trimmed();
    if (trimmed.isEmpty()) {
        m_settings->remove(key("database/url"));
        return true;
    }
    const auto url = DatabaseUrl::parse(trimmed);
    if (!url) {
        if (trimmed.contains(u'@'))
            return false;
        m_settings->setValue(key("database/url"), trimmed);
        return true;
    }
    m_settings->setValue(key("database/url"), DatabaseUrlText::format(*url));
    return true;
}

TimeDisplay::Zone ConsoleSettings::displayZone() const
{
    return m_settings->value(key("display/zone")).toString() == QLatin1String("utc")
               ? TimeDisplay::Zone::Utc
               : TimeDisplay::Zone::Local;
}

void ConsoleSettings::setDisplayZone(TimeDisplay::Zone zone)
{
    m_settings->setValue(key("display/zone"), zone == TimeDisplay::Zone::Utc
                                                  ? QStringLiteral("utc")
                                                  : QStringLiteral("local"));
}

bool ConsoleSettings::runJobsHere() const
{
    const bool general = m_settings->value(key("scheduler/runJobsHere"), true).toBool();
    if (m_currentDatabase.isEmpty())
        return general;
    return runJobsOn(m_currentDatabase).value_or(general);
}

void ConsoleSettings::setRunJobsHere(bool run)
{
    if (m_currentDatabase.isEmpty())
        m_settings->setValue(key("scheduler/runJobsHere"), run);
    else
        setRunJobsOn(m_currentDatabase, run);
}

QString ConsoleSettings::databaseKey(const DatabaseUrl &url)
{
    if (url.dialect() == SqlDialect::Sqlite)
        return QStringLiteral("sqlite:") + url.filePath();
    QString where = url.host() + u':' + QString::number(url.port()) + u'/' + url.databaseName();
    return QStringLiteral("postgresql://") + url.userName() + u'@' + where;
}

// One map, not a key per database: a database key holds '/' and ':', which QSettings would
// take for groups.
std::optional<bool> ConsoleSettings::runJobsOn(const QString &databaseKey) const
{
    const QVariantMap choices = m_settings->value(key("scheduler/runJobsOn")).toMap();
    const auto found = choices.constFind(databaseKey);
    if (found == choices.cend())
        return std::nullopt;
    return found->toBool();
}

void ConsoleSettings::setRunJobsOn(const QString &databaseKey, bool run)
{
    QVariantMap choices = m_settings->value(key("scheduler/runJobsOn")).toMap();
    choices.insert(databaseKey, run);
    m_settings->setValue(key("scheduler/runJobsOn"), choices);
}

bool ConsoleSettings::createdHere(const QString &path) const
{
    return m_settings->value(key("databases/createdHere")).toStringList().contains(path);
}

void ConsoleSettings::addCreatedHere(const QString &path)
{
    QStringList created = m_settings->value(key("databases/createdHere")).toStringList();
    if (!created.contains(path))
        created.append(path);
    m_settings->setValue(key("databases/createdHere"), created);
}

bool ConsoleSettings::closeToTray() const
{
    return m_settings->value(key("window/closeToTray"), true).toBool();
}

void ConsoleSettings::setCloseToTray(bool toTray)
{
    m_settings->setValue(key("window/closeToTray"), toTray);
}

QByteArray ConsoleSettings::windowGeometry() const
{
    return m_settings->value(key("window/geometry")).toByteArray();
}

void ConsoleSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(key("window/geometry"), geometry);
}

QByteArray ConsoleSettings::windowState() const
{
    return m_settings->value(key("window/state")).toByteArray();
}

void ConsoleSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(key("window/state"), state);
}

QByteArray ConsoleSettings::viewState(const QString &view) const
{
    return m_settings->value(QStringLiteral("views/") + view).toByteArray();
}

void ConsoleSettings::setViewState(const QString &view, const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("views/") + view, state);
}

QStringList ConsoleSettings::selectedJobs() const
{
    return m_settings->value(key("window/selectedJobs")).toStringList();
}

void ConsoleSettings::setSelectedJobs(const QStringList &jobs)
{
    m_settings->setValue(key("window/selectedJobs"), jobs);
}

bool ConsoleSettings::sync()
{
    m_settings->sync();
    return m_settings->status() == QSettings::NoError;
}

QString ConsoleSettings::fileName() const
{
    return m_settings->fileName();
}

} // namespace jc
