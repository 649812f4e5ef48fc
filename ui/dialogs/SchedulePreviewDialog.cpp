#include "dialogs/SchedulePreviewDialog.h"

#include "common/IsoTime.h"
#include "data/TimeDisplay.h"
#include "schedule/SchedulePreview.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace jc {

namespace {

constexpr int occurrenceCount = 10;

QTableWidgetItem *item(const QString &text)
{
    auto *cell = new QTableWidgetItem(text);
    cell->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return cell;
}

} // namespace

SchedulePreviewDialog::SchedulePreviewDialog(const QString &job, const Schedule &schedule,
                                             const QDateTime &from, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Schedule of %1").arg(job));
    auto *layout = new QVBoxLayout(this);
    const QString zoneId = QString::fromUtf8(schedule.zone().id());
    auto *header = new QLabel(tr("%1\n%2, in %3. The next %4 runs after %5:")
                                  .arg(schedule.text(), schedule.description(), zoneId)
                                  .arg(occurrenceCount)
                                  .arg(TimeDisplay::dateTime(from)));
    header->setTextFormat(Qt::PlainText);
    header->setWordWrap(true);
    header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(header);

    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("occurrenceTable"));
    m_table->setAccessibleName(tr("Next occurrences"));
    m_table->setHorizontalHeaderLabels({tr("In %1").arg(zoneId), tr("UTC offset"),
                                        tr("Shown in %1").arg(TimeDisplay::zoneName()),
                                        tr("Daylight saving")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    fill(schedule, from);
    resize(900, 420);
}

void SchedulePreviewDialog::fill(const Schedule &schedule, const QDateTime &from)
{
    const QList<SchedulePreview::Occurrence> occurrences =
        SchedulePreview::compute(schedule, from, occurrenceCount);
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    m_table->setRowCount(int(occurrences.size()));
    for (int row = 0; row < occurrences.size(); ++row) {
        const SchedulePreview::Occurrence &occurrence = occurrences.at(row);
        const QString local =
            occurrence.instant.toString(QStringLiteral("ddd yyyy-MM-dd HH:mm:ss ")) +
            occurrence.instant.timeZoneAbbreviation();
        m_table->setItem(row, ScheduleZoneColumn, item(local));
        m_table->setItem(row, OffsetColumn, item(IsoTime::offsetText(occurrence.offsetSeconds)));
        m_table->setItem(row, DisplayZoneColumn, item(TimeDisplay::dateTime(occurrence.instant)));
        QTableWidgetItem *note = item(occurrence.note);
        if (occurrence.effect != SchedulePreview::DstEffect::None) {
            note->setIcon(warning);
            note->setToolTip(occurrence.note);
            for (int column = 0; column < NoteColumn; ++column)
                m_table->item(row, column)->setToolTip(occurrence.note);
        }
        m_table->setItem(row, NoteColumn, note);
    }
    if (occurrences.isEmpty()) {
        m_table->setRowCount(1);
        m_table->setItem(0, ScheduleZoneColumn, item(tr("This schedule does not fire again.")));
    }
    m_table->resizeColumnsToContents();
}

} // namespace jc
