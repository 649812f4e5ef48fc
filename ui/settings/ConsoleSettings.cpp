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
    return m_settings->value(key("scheduler/runJobsHere"), true).toBool();
}

void ConsoleSettings::setRunJobsHere(bool run)
{
    m_settings->setValue(key("scheduler/runJobsHere"), run);
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
