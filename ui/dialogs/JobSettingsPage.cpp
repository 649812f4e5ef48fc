#include "dialogs/JobSettingsPage.h"

#include "schedule/ScheduleChangePreview.h"
#include "schedule/ZoneName.h"

#include "dialogs/ProblemLabel.h"
#include "jobs/SettingValues.h"

#include <QComboBox>
#include <QCompleter>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace jc {

namespace {

QString displayText(const QVariant &value)
{
    if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList)
        return value.toStringList().join(QStringLiteral(", "));
    return value.toString();
}

QVariant fromJson(const QJsonValue &value)
{
    return value.isArray() ? QVariant(value.toArray().toVariantList()) : value.toVariant();
}

QJsonValue toJson(const SettingSpec &spec, const QVariant &value)
{
    switch (spec.kind) {
    case SettingSpec::Kind::Integer:
        return QJsonValue(value.toLongLong());
    case SettingSpec::Kind::List:
        return QJsonArray::fromStringList(value.toStringList());
    default:
        return QJsonValue(value.toString());
    }
}

bool fitsSpinBox(const SettingSpec &spec)
{
    return spec.minimum >= std::numeric_limits<int>::min() &&
           spec.maximum <= std::numeric_limits<int>::max() && spec.minimum <= spec.maximum;
}

} // namespace

JobSettingsPage::JobSettingsPage(QList<JobSettingsSection> jobs, QWidget *parent)
    : QWidget(parent)
    , m_jobs(std::move(jobs))
{
    auto *content = new QWidget;
    auto *column = new QVBoxLayout(content);
    for (qsizetype i = 0; i < m_jobs.size(); ++i) {
        m_boxes.append(buildSection(i));
        column->addWidget(m_boxes.last());
    }
    if (m_jobs.isEmpty())
        column->addWidget(new QLabel(tr("No job has settings of its own.")));
    column->addStretch(1);
    auto *scroll = new QScrollArea;
    m_scroll = scroll;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    for (Field &field : m_fields)
        check(field);
}

QWidget *JobSettingsPage::buildSection(qsizetype index)
{
    const JobSettingsSection &section = m_jobs.at(index);
    auto *box = new QGroupBox(section.job);
    auto *form = new QFormLayout(box);
    if (section.specs.isEmpty())
        form->addRow(new QLabel(tr("This job has no settings of its own.")));
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const SettingSpec &spec : section.specs) {
        m_fields.append(Field{index, spec, nullptr, nullptr, nullptr});
        Field &field = m_fields.last();
        const QString name = section.job + u':' + spec.key;
        QWidget *editor = buildEditor(field, QStringLiteral("setting:") + name);
        QString tip = spec.help;
        if (!spec.environment.isEmpty()) {
            tip += u'\n' + tr("Environment variable: %1").arg(spec.environment);
            const QString fromEnvironment = environment.value(spec.environment);
            if (!fromEnvironment.isEmpty())
                tip += u'\n' + tr("It is set to \"%1\" here; a value stored in the database "
                                  "overrides it.")
                                   .arg(fromEnvironment);
        }
        editor->setToolTip(tip);
        auto *label = new QLabel(spec.label.isEmpty() ? spec.key : spec.label);
        label->setToolTip(tip);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(editor);
        QString hint = spec.help;
        if (!spec.environment.isEmpty())
            hint += QStringLiteral(" (%1)").arg(spec.environment);
        auto *hintLabel = new QLabel(hint);
        hintLabel->setTextFormat(Qt::PlainText);
        hintLabel->setWordWrap(true);
        hintLabel->setForegroundRole(QPalette::PlaceholderText);
        cell->addWidget(hintLabel);
        field.problem = new ProblemLabel;
        field.problem->setObjectName(QStringLiteral("problem:") + name);
        cell->addWidget(field.problem);
        label->setBuddy(field.spin    ? static_cast<QWidget *>(field.spin)
                        : field.combo ? static_cast<QWidget *>(field.combo)
                                      : field.line);
        form->addRow(label, cell);
        // Right under the zone (or the schedule, for a job without one): what an edit does.
        if (spec.key == QLatin1String("timeZone") ||
            (spec.key == QLatin1String("schedule") &&
             !std::any_of(section.specs.cbegin(), section.specs.cend(),
                          [](const SettingSpec &s) { return s.key == QLatin1String("timeZone"); })))
            addSchedulePreview(index, form);
    }
    return box;
}

void JobSettingsPage::addSchedulePreview(qsizetype index, QFormLayout *form)
{
    auto *preview = new QLabel;
    preview->setObjectName(QStringLiteral("schedulePreview:") + m_jobs.at(index).job);
    preview->setTextFormat(Qt::PlainText);
    preview->setWordWrap(true); // the notes and the day's summary; table lines are short
    preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    preview->setAccessibleName(tr("What the schedule change does"));
    preview->setVisible(false);
    form->addRow(preview);
    m_schedulePreviews.insert(index, preview);
}

void JobSettingsPage::showJob(const QString &job)
{
    for (qsizetype i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs.at(i).job != job)
            continue;
        // Its top at the top, once laid out (the page may not be shown yet).
        QWidget *box = m_boxes.at(i);
        QTimer::singleShot(0, this,
                           [this, box] { m_scroll->verticalScrollBar()->setValue(box->y()); });
        // The section's first field takes the keyboard, once the page is shown.
        for (const Field &field : std::as_const(m_fields)) {
            if (field.section != i)
                continue;
            QWidget *editor = field.spin    ? static_cast<QWidget *>(field.spin)
                              : field.combo ? static_cast<QWidget *>(field.combo)
                                            : field.line;
            setFocusProxy(editor);
            break;
        }
        return;
    }
}

void JobSettingsPage::setNow(const QDateTime &now)
{
    m_now = now;
    for (auto it = m_schedulePreviews.cbegin(); it != m_schedulePreviews.cend(); ++it) {
        updateSchedulePreview(it.key());
        refuseNeverFiring(it.key());
    }
    updateValidity();
}

// "Batch size (batchSize)"; the label alone where it only capitalizes the key ("Schedule").
QString JobSettingsPage::fieldName(const Field &field)
{
    const SettingSpec &spec = field.spec;
    if (spec.label.isEmpty() || spec.label.compare(spec.key, Qt::CaseInsensitive) == 0)
        return spec.label.isEmpty() ? spec.key : spec.label;
    return QStringLiteral("%1 (%2)").arg(spec.label, spec.key);
}

QString JobSettingsPage::initialText(const Field &field) const
{
    const QJsonObject &stored = m_jobs.at(field.section).stored;
    return displayText(stored.contains(field.spec.key) ? fromJson(stored.value(field.spec.key))
                                                       : field.spec.defaultValue);
}

const JobSettingsPage::Field *JobSettingsPage::fieldOf(qsizetype section, const QString &key) const
{
    for (const Field &field : m_fields) {
        if (field.section == section && field.spec.key == key)
            return &field;
    }
    return nullptr;
}

JobSettingsPage::ScheduleEdit JobSettingsPage::scheduleEdit(qsizetype section) const
{
    ScheduleEdit edit;
    const Field *schedule = fieldOf(section, QStringLiteral("schedule"));
    if (!schedule)
        return edit;
    const Field *zone = fieldOf(section, QStringLiteral("timeZone"));
    const QString zoneBefore = zone ? initialText(*zone).trimmed() : QString();
    const QString zoneAfter = zone ? text(*zone).trimmed() : QString();
    edit.edited =
        initialText(*schedule).trimmed() != text(*schedule).trimmed() || zoneBefore != zoneAfter;
    const auto read = [](const QString &expression,
                         const QString &zoneId) -> std::optional<Schedule> {
        if (!zoneId.isEmpty() && !ZoneName::isKnown(zoneId))
            return std::nullopt;
        const auto parsed =
            Schedule::parse(expression.trimmed(), zoneId.isEmpty() ? QTimeZone::systemTimeZone()
                                                                   : QTimeZone(zoneId.toUtf8()));
        return parsed ? std::optional<Schedule>(parsed.value()) : std::nullopt;
    };
    edit.before = read(initialText(*schedule), zoneBefore);
    edit.after = read(text(*schedule), zoneAfter);
    return edit;
}

// Shown only while the schedule or its zone is edited and both sides read as schedules; a
// refused value says why under its own field.
void JobSettingsPage::updateSchedulePreview(qsizetype section)
{
    QLabel *preview = m_schedulePreviews.value(section);
    if (!preview)
        return;
    const ScheduleEdit edit = scheduleEdit(section);
    if (!edit.edited || !edit.before || !edit.after || !m_now.isValid()) {
        preview->setVisible(false);
        return;
    }
    preview->setText(ScheduleChangePreview::compute(*edit.before, *edit.after, m_now)
                         .text(*edit.before, *edit.after));
    preview->setVisible(true);
}

void JobSettingsPage::refuseNeverFiring(qsizetype section)
{
    const Field *found = fieldOf(section, QStringLiteral("schedule"));
    if (!found)
        return;
    Field &schedule = m_fields[found - m_fields.constData()];
    const auto own = parsed(schedule);
    if (own && !*own)
        return; // its own problem shows
    const ScheduleEdit edit = scheduleEdit(section);
    const QString never = edit.edited && edit.after && m_now.isValid()
                              ? ScheduleChangePreview::neverFiresProblem(*edit.after, m_now)
                              : QString();
    schedule.refused = !never.isEmpty();
    schedule.problem->setProblem(
        !never.isEmpty()
            ? tr("%1 of %2: %3").arg(fieldName(schedule), m_jobs.at(section).job, never)
        : own ? problemText(schedule, *own)
              : QString());
}

QWidget *JobSettingsPage::buildEditor(Field &field, const QString &objectName)
{
    const SettingSpec &spec = field.spec;
    const QJsonObject &stored = m_jobs.at(field.section).stored;
    const QVariant value =
        stored.contains(spec.key) ? fromJson(stored.value(spec.key)) : spec.defaultValue;
    const qsizetype index = m_fields.size() - 1;
    const QString accessible = spec.label.isEmpty() ? spec.key : spec.label;
    if (spec.kind == SettingSpec::Kind::Integer && fitsSpinBox(spec)) {
        field.spin = new QSpinBox;
        field.spin->setObjectName(objectName);
        field.spin->setAccessibleName(accessible);
        field.spin->setRange(int(spec.minimum), int(spec.maximum));
        field.spin->setValue(int(value.toLongLong()));
        field.spin->setKeyboardTracking(true);
        // The editor's own signal: QSpinBox::textChanged stays quiet while the text is out of
        // range ("0" with a minimum of 1), which is exactly when the problem must show.
        connect(field.spin->findChild<QLineEdit *>(), &QLineEdit::textChanged, this,
                [this, index] { check(m_fields[index]); });
        return field.spin;
    }
    if (spec.kind == SettingSpec::Kind::Text && !spec.choices.isEmpty()) {
        field.combo = new QComboBox;
        field.combo->setObjectName(objectName);
        field.combo->setAccessibleName(accessible);
        field.combo->addItems(spec.choices);
        // A stored value outside the choices (written by hand) is shown as it is, and refused
        // under the field like any bad value, until one of the choices is picked.
        const QString current = displayText(value);
        if (!spec.choices.contains(current))
            field.combo->addItem(current);
        field.combo->setCurrentText(current);
        connect(field.combo, &QComboBox::currentIndexChanged, this,
                [this, index] { check(m_fields[index]); });
        return field.combo;
    }
    field.line = new QLineEdit(displayText(value));
    field.line->setObjectName(objectName);
    field.line->setAccessibleName(accessible);
    if (!spec.defaultValue.toString().isEmpty() || spec.kind == SettingSpec::Kind::List)
        field.line->setPlaceholderText(tr("Default: %1").arg(displayText(spec.defaultValue)));
    if (spec.key == QLatin1String("timeZone")) {
        // IANA names complete as typed ("Europe/Be" -> Europe/Berlin), case-insensitively.
        QStringList zones;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            zones.append(QString::fromUtf8(id));
        auto *completer = new QCompleter(zones, field.line);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        field.line->setCompleter(completer);
    }
    connect(field.line, &QLineEdit::textChanged, this, [this, index] { check(m_fields[index]); });
    if (spec.kind != SettingSpec::Kind::Path)
        return field.line;
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field.line, 1);
    auto *browse = new QPushButton(tr("Browse…"));
    browse->setAccessibleName(tr("Browse for %1").arg(accessible));
    connect(browse, &QPushButton::clicked, this, [this, index] {
        QLineEdit *line = m_fields.at(index).line;
        const QString chosen = QFileDialog::getSaveFileName(
            this, tr("Choose %1").arg(m_fields.at(index).spec.label), line->text(), {}, nullptr,
            QFileDialog::DontConfirmOverwrite);
        if (!chosen.isEmpty())
            line->setText(chosen);
    });
    layout->addWidget(browse);
    return row;
}

QString JobSettingsPage::text(const Field &field) const
{
    if (field.combo)
        return field.combo->currentText();
    return field.spin ? field.spin->cleanText() : field.line->text();
}

std::optional<Expected<SettingValues::Reading, QString>>
JobSettingsPage::parsed(const Field &field) const
{
    const QString value = text(field);
    if (value.trimmed().isEmpty() && field.spec.kind != SettingSpec::Kind::Integer &&
        displayText(field.spec.defaultValue).isEmpty())
        return std::nullopt;
    return SettingValues::read(field.spec, QVariant(value));
}

// "Batch size (batchSize) of JOB: why", and for a report-only setting what saving keeps.
QString JobSettingsPage::problemText(const Field &field,
                                     const Expected<SettingValues::Reading, QString> &result) const
{
    if (result && result->problem.isEmpty())
        return {};
    const QString name = fieldName(field);
    const QString job = m_jobs.at(field.section).job;
    if (!result)
        return tr("%1 of %2: %3").arg(name, job, result.error());
    const QString kept = result->value
                             ? tr("Saved as \"%1\"").arg(displayText(*result->value))
                             : tr("Not saved (the environment's value or the default stays)");
    return tr("%1 of %2: %3. %4; the job only reports this setting, so it never stops a run.")
        .arg(name, job, result->problem, kept);
}

void JobSettingsPage::check(Field &field)
{
    const auto result = parsed(field);
    field.refused = result && !*result;
    field.problem->setProblem(result ? problemText(field, *result) : QString());
    if (field.spec.key == QLatin1String("schedule") ||
        field.spec.key == QLatin1String("timeZone")) {
        updateSchedulePreview(field.section);
        refuseNeverFiring(field.section);
    }
    updateValidity();
}

void JobSettingsPage::updateValidity()
{
    const bool valid = isValid();
    if (valid != m_valid) {
        m_valid = valid;
        emit validityChanged(valid);
    }
    emit checked();
}

bool JobSettingsPage::isValid() const
{
    return firstProblem().isEmpty();
}

QString JobSettingsPage::firstProblem() const
{
    for (const Field &field : m_fields) {
        if (field.refused)
            return field.problem->text();
    }
    return {};
}

QHash<QString, QJsonObject> JobSettingsPage::changedJobSettings() const
{
    QHash<QString, QJsonObject> changed;
    for (qsizetype i = 0; i < m_jobs.size(); ++i) {
        const JobSettingsSection &section = m_jobs.at(i);
        QJsonObject object = section.stored;
        for (const SettingSpec &spec : section.specs)
            object.remove(spec.key);
        for (const Field &field : m_fields) {
            if (field.section != i)
                continue;
            const auto value = parsed(field);
            if (!value || !*value || !(*value)->value)
                continue;
            const auto defaultValue = SettingValues::parse(field.spec, field.spec.defaultValue);
            const QVariant normalDefault =
                defaultValue ? defaultValue.value() : field.spec.defaultValue;
            const QJsonValue json = toJson(field.spec, *(*value)->value);
            if (json != toJson(field.spec, normalDefault))
                object.insert(field.spec.key, json);
        }
        if (object != section.stored)
            changed.insert(section.job, object);
    }
    return changed;
}

} // namespace jc
