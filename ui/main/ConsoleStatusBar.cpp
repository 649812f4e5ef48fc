#include "main/ConsoleStatusBar.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "models/RunFormat.h"

#include <algorithm>

#include <QLabel>
#include <QLayout>
#include <QPainter>
#include <QPushButton>
#include <QStyle>
#include <QStyleOption>

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
    connect(this, &QStatusBar::messageChanged, this, &ConsoleStatusBar::makeRoomFor);
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

// In a narrow window the fields leave a message a few words (at 900 px: none beside a MariaDB
// URL): while one shows, the fields give way from the right until it has room for
// MessageRoomChars, or for all of it; the database field, and its Reconnect button, stay.
void ConsoleStatusBar::makeRoomFor(const QString &message)
{
    setToolTip(message);
    const QList<QWidget *> givingWay{m_updates, m_instances, m_scheduler};
    for (QWidget *field : givingWay)
        field->setVisible(true);
    if (message.isEmpty())
        return;
    const int wanted = std::min(fontMetrics().horizontalAdvance(message),
                                MessageRoomChars * fontMetrics().averageCharWidth());
    for (QWidget *field : givingWay) {
        placeFields();
        if (messageRect().width() >= wanted)
            return;
        field->setVisible(false);
    }
    placeFields();
}

// Lays the fields out now, so that messageRect() measures where they are.
void ConsoleStatusBar::placeFields()
{
    if (QLayout *fields = layout()) {
        fields->invalidate();
        fields->activate();
    }
}

QList<QWidget *> ConsoleStatusBar::fields() const
{
    return {m_database, m_reconnect, m_scheduler, m_instances, m_updates};
}

QRect ConsoleStatusBar::messageRect() const
{
    // The fields' frames and a gap of about two characters keep the message apart from them.
    const int gap = 2 * fontMetrics().averageCharWidth();
    int right = width() - gap;
    for (const QWidget *field : fields()) {
        if (field->isVisible())
            right = std::min(right, field->x() - gap);
    }
    const int left = 6; // as QStatusBar places its message
    return QRect(left, 0, std::max(0, right - left), height());
}

QString ConsoleStatusBar::shownMessage() const
{
    const QString message = currentMessage();
    if (message.isEmpty())
        return message;
    return fontMetrics().elidedText(message, Qt::ElideRight, messageRect().width());
}

void ConsoleStatusBar::resizeEvent(QResizeEvent *event)
{
    QStatusBar::resizeEvent(event);
    if (!currentMessage().isEmpty())
        makeRoomFor(currentMessage()); // the room a message had depends on the width
}

// QStatusBar's own painting, but for the message: elided, and clear of the fields.
void ConsoleStatusBar::paintEvent(QPaintEvent *event)
{
    if (currentMessage().isEmpty()) {
        QStatusBar::paintEvent(event);
        return;
    }
    QPainter painter(this);
    QStyleOption panel;
    panel.initFrom(this);
    style()->drawPrimitive(QStyle::PE_PanelStatusBar, &panel, &painter, this);
    for (QWidget *field : fields()) {
        if (!field->isVisible())
            continue;
        QStyleOption frame;
        frame.rect = field->geometry().adjusted(-2, -1, 2, 1);
        frame.palette = palette();
        frame.state = QStyle::State_None;
        style()->drawPrimitive(QStyle::PE_FrameStatusBarItem, &frame, &painter, field);
    }
    painter.setPen(palette().windowText().color());
    painter.drawText(messageRect(), Qt::AlignLeading | Qt::AlignVCenter | Qt::TextSingleLine,
                     shownMessage());
}

} // namespace jc
