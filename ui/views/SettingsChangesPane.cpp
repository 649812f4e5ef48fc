#include "views/SettingsChangesPane.h"

#include "models/JobChangesModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace jc {

SettingsChangesPane::SettingsChangesPane(DatabaseReader *reader, QWidget *parent)
    : QWidget(parent)
    , m_model(new JobChangesModel(reader, this))
    , m_title(new QLabel(this))
    , m_message(new QLabel(this))
    , m_table(new QTableView(this))
{
    setObjectName(QStringLiteral("settingsChangesPane"));
    m_table->setTabKeyNavigation(false); // Tab leaves the table, as keyboard users expect
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setObjectName(QStringLiteral("settingsChangesTitle"));
    m_message->setObjectName(QStringLiteral("settingsChangesMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_table->setObjectName(QStringLiteral("settingsChangesTable"));
    m_table->setAccessibleName(tr("Settings changes of the selected job"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    const int charWidth = fontMetrics().averageCharWidth();
    m_table->setColumnWidth(JobChangesModel::When, charWidth * 24);
    m_table->setColumnWidth(JobChangesModel::Who, charWidth * 14);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);

    connect(m_model, &JobChangesModel::loaded, this, &SettingsChangesPane::showState);
    connect(m_model, &JobChangesModel::loadFailed, this, &SettingsChangesPane::showState);
    showState();
}

void SettingsChangesPane::setJob(const QString &job)
{
    m_model->setJob(job);
    showState();
}

void SettingsChangesPane::refresh()
{
    m_model->refresh();
}

void SettingsChangesPane::showState()
{
    const QString &job = m_model->job();
    if (job.isEmpty())
        m_title->setText(tr("Select a job to see its settings changes"));
    else if (m_model->isLoaded() && m_model->rowCount() == 0)
        m_title->setText(tr("%1 runs on its default settings: nothing was ever changed").arg(job));
    else
        m_title->setText(tr("Settings changes of %1").arg(job));
    const QString &error = m_model->lastError();
    m_message->setVisible(!error.isEmpty());
    if (error.isEmpty())
        return;
    m_message->setText(
        tr("Could not load the settings changes: %1").arg(error.section(u'\n', 0, 0)));
    m_message->setToolTip(error);
    m_message->setStyleSheet(QStringLiteral("color: #d93b3b;"));
}

} // namespace jc
