#include "main/ConsoleStatusBar.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "models/RunFormat.h"

#include <algorithm>

#include <QLabel>
#include <QPushButton>

namespace jc {

ConsoleStatusBar::ConsoleStatusBar(DatabaseReader *reader, const QString &databaseText,
                                   bool runsJobsHere, QWidget *parent)
    : QStatusBar(parent)
    , m_databaseText(databaseText)
    , m_database(new QLabel(this))
    , m_reconnect(new QPushButton(tr("Reconnect"), this))
    , m_scheduler(new QLabel(this))
    , m_instances(new QLabel(this))
    , m_updates(new QLabel(this))
{
    m_database->setObjectName(QStringLiteral("databaseLabel"));
    m_reconnect->setObjectName(QStringLiteral("reconnectButton"));
    m_scheduler->setObjectName(QStringLiteral("schedulerLabel"));
    m_instances->setObjectName(QStringLiteral("instancesLabel"));
    m_updates->setObjectName(QStringLiteral("updatesLabel"));
    m_updates->setAccessibleName(tr("Updates"));
    m_reconnect->setAccessibleName(tr("Reconnect to the database"));
    m_reconnect->setFlat(true);
    m_reconnect->hide();
    m_database->setAccessibleName(tr("Database"));
    m_scheduler->setAccessibleName(tr("Scheduler"));
    m_instances->setAccessibleName(tr("Instances"));
    m_scheduler->setText(runsJobsHere ? tr("Scheduler: running jobs here")
                                      : tr("Scheduler: watching only"));
    m_scheduler->setToolTip(runsJobsHere
                                ? tr("This console runs the jobs' scheduled occurrences and "
                                     "manual runs, and records them in the database.")
                                : tr("This console runs nothing: it shows what the instances "
                                     "sharing the database do, and pauses, resumes and "
                                     "cancels through the database."));
    addPermanentWidget(m_database);
    addPermanentWidget(m_reconnect);
    addPermanentWidget(m_scheduler);
    addPermanentWidget(m_instances);
    addPermanentWidget(m_updates);
    setInstances({});
    connect(m_reconnect, &QPushButton::clicked, this, &ConsoleStatusBar::reconnectRequested);
    connect(reader, &DatabaseReader::connectionChanged, this, &ConsoleStatusBar::setConnected);
    setConnected(reader->isConnected(), reader->lastError());
}

QString ConsoleStatusBar::describe(const DatabaseUrl &url)
{
    if (url.dialect() == SqlDialect::Sqlite)
        return tr("SQLite %1").arg(url.filePath());
    QString where = url.host() + u':' + QString::number(url.port()) + u'/' + url.databaseName();
    if (!url.userName().isEmpty())
        where = url.userName() + u'@' + where;
    return displayName(url.dialect()) + u' ' + where;
}

// The label keeps the kind and the end of the location (the file name, the database name);
// the tooltip has all of it. A long path (the demo's is ~60 characters) otherwise leaves a
// transient message too little room: it was cut mid-word.
QString ConsoleStatusBar::shortened(const QString &databaseText)
{
    constexpr qsizetype longest = 48;
    // The kind whole ("MySQL/MariaDB "), at least 11 characters ("PostgreSQL ", "SQLite /tmp").
    const qsizetype head = std::max<qsizetype>(11, databaseText.indexOf(u' ') + 1);
    if (databaseText.size() <= longest)
        return databaseText;
    return databaseText.left(head) + QStringLiteral("…") + databaseText.right(longest - head - 1);
}

void ConsoleStatusBar::setConnected(bool connected, const QString &error)
{
    m_connected = connected;
    const QString shown = shortened(m_databaseText);
    if (connected) {
        m_database->setText(tr("Database: %1 — connected").arg(shown));
        m_database->setStyleSheet({});
        m_database->setToolTip(m_databaseText);
    } else {
        m_database->setText(tr("Database: %1 — not reachable").arg(shown));
        m_database->setStyleSheet(
            QStringLiteral("color: %1").arg(RunFormat::outcomeColor(RunOutcome::Failed).name()));
        m_database->setToolTip(tr("%1\n\n%2\n\nThe console keeps trying every few seconds.")
                                   .arg(m_databaseText, error));
    }
    m_reconnect->setVisible(!connected);
}

void ConsoleStatusBar::setUpdates(bool live, std::chrono::milliseconds pollInterval,
                                  const QString &why)
{
    const QString every = TimeDisplay::duration(pollInterval.count());
    m_updates->setText(live ? tr("Updates: live") : tr("Updates: every %1").arg(every));
    m_updates->setToolTip(
        live ? tr("The database announces every change of runs, pauses and settings; the "
                  "console shows them at once (and re-reads every %1 as well).")
                   .arg(every)
             : tr("The console re-reads the database every %1.%2")
                   .arg(every, why.isEmpty() ? QString() : QStringLiteral("\n") + why));
}

void ConsoleStatusBar::setInstances(const QStringList &instances)
{
    m_instances->setText(tr("Schedulers: %1").arg(instances.size()));
    m_instances->setToolTip(instances.isEmpty()
                                ? tr("No scheduler announced itself on this database in the "
                                     "last 2 minutes: no job runs on schedule.")
                                : instances.join(u'\n'));
}

} // namespace jc
