#include "dialogs/RunDetailsDialog.h"
#include "engine/Clock.h"

#include "common/LogFields.h"
#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "dialogs/ProblemLabel.h"
#include "jobs/RunSummaryText.h"
#include "models/RunFormat.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableWidget>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace jc {

namespace {

constexpr int logPage = 1000;

using RunResult = Expected<std::optional<StoredRun>, QString>;
using LogResult = Expected<QList<StoredLogLine>, QString>;

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setToolTip(text);
    return item;
}

// A summary value as people read it: numbers with their thousands grouped, and counters
// nested in objects ("byLimit", "byStatus") as words rather than JSON: {"10":{"credits":186,
// "users":36}} reads "10: credits 186, users 36", and {"failed":2,"pending":3} "failed: 2;
// pending: 3".
QString jsonText(const QJsonValue &value, int depth = 0)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble()) {
        const double number = value.toDouble();
        const auto whole = static_cast<qint64>(number);
        return static_cast<double>(whole) == number ? RunSummaryText::count(whole)
                                                    : QString::number(number, 'g', 15);
    }
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isNull() || value.isUndefined())
        return QStringLiteral("null");
    QStringList parts;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            parts.append(jsonText(item, depth + 1));
        return parts.join(QStringLiteral(", "));
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        parts.append(it.key() + (depth == 0 ? QStringLiteral(": ") : QStringLiteral(" ")) +
                     jsonText(it.value(), depth + 1));
    return parts.join(depth == 0 ? QStringLiteral("; ") : QStringLiteral(", "));
}

QString fieldsText(const QVariantMap &fields)
{
    // LogFields writes "message key=value ..."; with an empty message only the fields remain.
    return LogFields::format(QString(), fields).trimmed();
}

QString orDash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("—") : text;
}

} // namespace

RunDetailsDialog::RunDetailsDialog(DatabaseReader *reader, qint64 runId, const Clock &clock,
                                   QWidget *parent)
    : QDialog(parent)
    , m_reader(reader)
    , m_runId(runId)
    , m_clock(clock)
{
    setWindowTitle(tr("Run %1").arg(runId));
    auto *layout = new QVBoxLayout(this);
    m_loadError = new ProblemLabel;
    m_loadError->setObjectName(QStringLiteral("loadError"));
    layout->addWidget(m_loadError);
    // The fields in two columns: the log below gets the height (most of the dialog).
    auto *header = new QHBoxLayout;
    auto *left = new QFormLayout;
    auto *right = new QFormLayout;
    buildHeader(left, right);
    header->addLayout(left, 1);
    header->addLayout(right, 1);
    layout->addLayout(header);
    m_followLabel = new QLabel(tr("The run is in progress: its log follows live."));
    m_followLabel->setObjectName(QStringLiteral("followLabel"));
    m_followLabel->setWordWrap(true);
    m_followLabel->hide();
    layout->addWidget(m_followLabel);

    auto *splitter = m_splitter = new QSplitter(Qt::Vertical);
    m_summary = new QTableWidget(0, 2);
    m_summary->setObjectName(QStringLiteral("summaryTable"));
    m_summary->setAccessibleName(tr("Summary"));
    m_summary->setHorizontalHeaderLabels({tr("Summary"), tr("Value")});
    m_summary->verticalHeader()->setVisible(false);
    m_summary->horizontalHeader()->setStretchLastSection(true);
    splitter->addWidget(m_summary);
    m_error = new QPlainTextEdit;
    m_error->setObjectName(QStringLiteral("errorText"));
    m_error->setAccessibleName(tr("Error"));
    m_error->setReadOnly(true);
    m_error->setPlaceholderText(tr("No error."));
    splitter->addWidget(m_error);
    m_logTable = new QTableWidget(0, 4);
    m_logTable->setObjectName(QStringLiteral("logTable"));
    m_logTable->setAccessibleName(tr("Log"));
    m_logTable->setHorizontalHeaderLabels({tr("Time"), tr("Level"), tr("Message"), tr("Fields")});
    m_logTable->verticalHeader()->setVisible(false);
    m_logTable->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_logTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logTable->setWordWrap(false);
    splitter->addWidget(m_logTable);
    splitter->setStretchFactor(2, 3);
    layout->addWidget(splitter, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setToolTip(tr("Copy the run's details, error and log as text"));
    connect(copy, &QPushButton::clicked, this, &RunDetailsDialog::copyToClipboard);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_poll = new QTimer(this);
    m_poll->setInterval(std::chrono::seconds(1));
    connect(m_poll, &QTimer::timeout, this, &RunDetailsDialog::poll);
    resize(960, 720);
    requestRun();
    requestLog();
}

void RunDetailsDialog::buildHeader(QFormLayout *left, QFormLayout *right)
{
    m_captions = {
        {Field::Job, tr("Job")},           {Field::Status, tr("Status")},
        {Field::Trigger, tr("Trigger")},   {Field::Occurrence, tr("Occurrence")},
        {Field::Started, tr("Started")},   {Field::Finished, tr("Finished")},
        {Field::Duration, tr("Duration")}, {Field::Attempts, tr("Attempts")},
        {Field::Instance, tr("Instance")}, {Field::RequestedBy, tr("Requested by")},
        {Field::Reason, tr("Reason")},     {Field::Progress, tr("Progress")},
    };
    const char *names[] = {"jobValue",      "statusValue",      "triggerValue",  "occurrenceValue",
                           "startedValue",  "finishedValue",    "durationValue", "attemptsValue",
                           "instanceValue", "requestedByValue", "reasonValue",   "progressValue"};
    for (qsizetype i = 0; i < m_captions.size(); ++i) {
        auto *value = new QLabel(QStringLiteral("…"));
        value->setObjectName(QString::fromLatin1(names[i]));
        value->setTextFormat(Qt::PlainText);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setWordWrap(true);
        value->setAccessibleName(m_captions.at(i).second);
        (i < m_captions.size() / 2 ? left : right)->addRow(m_captions.at(i).second + u':', value);
        m_fields.insert(m_captions.at(i).first, value);
    }
}

void RunDetailsDialog::setPollInterval(std::chrono::milliseconds interval)
{
    m_poll->setInterval(interval);
}

bool RunDetailsDialog::isFollowing() const
{
    return m_following;
}

void RunDetailsDialog::requestRun()
{
    if (m_runInFlight)
        return;
    m_runInFlight = true;
    const qint64 id = m_runId;
    m_reader->read<RunResult>(
        this,
        [database = m_reader->database(), id](ConnectionFactory &) {
            return RunHistory(database).run(id);
        },
        [this](RunResult result) {
            m_runInFlight = false;
            if (!result) {
                showLoadError(result.error());
                return;
            }
            m_reader->reportSuccess();
            if (!result.value()) {
                showLoadError(tr("Run %1 is not in the history (it may have been removed by "
                                 "the history retention job).")
                                  .arg(m_runId));
                return;
            }
            showRun(*result.value());
        });
}

void RunDetailsDialog::requestLog()
{
    if (m_logInFlight) {
        m_logAgain = true;
        return;
    }
    m_logInFlight = true;
    m_logAgain = false;
    const qint64 id = m_runId;
    const int after = m_lastSeq;
    m_reader->read<LogResult>(
        this,
        [database = m_reader->database(), id, after](ConnectionFactory &) {
            return RunHistory(database).logLines(id, after, logPage);
        },
        [this](LogResult result) {
            m_logInFlight = false;
            if (!result) {
                showLoadError(result.error());
                return;
            }
            m_reader->reportSuccess();
            appendLog(result.value());
            // A full page means there may be more; a finished run needs its last lines.
            if (result.value().size() == logPage || m_logAgain)
                requestLog();
        });
}

void RunDetailsDialog::poll()
{
    requestRun();
    requestLog();
}

void RunDetailsDialog::showRun(const StoredRun &run)
{
    const bool wasFollowing = m_following;
    m_run = run;
    m_loadError->setProblem({});
    for (const auto &[field, caption] : std::as_const(m_captions))
        m_fields.value(field)->setText(fieldText(field));
    showSummary(run.summary);
    if (m_error->toPlainText() != run.error)
        m_error->setPlainText(run.error);
    // As high as its text (from one line for "No error." to eight, then it scrolls): the
    // log below is what the dialog is for.
    const int lines =
        std::clamp(int(run.error.count(u'\n')) + 1 + int(run.error.size() / 120), 1, 8);
    const int errorHeight =
        m_error->fontMetrics().lineSpacing() * lines +
        2 * (m_error->frameWidth() + int(m_error->document()->documentMargin())) + 2;
    m_error->setMaximumHeight(errorHeight);
    // The splitter gives the summary and the error what they show, the log the rest: once,
    // when the run first shows (later the admin's dragging stays).
    if (!m_splitSized && m_splitter->height() > 0) {
        m_splitSized = true;
        QList<int> sizes = m_splitter->sizes();
        const int total = std::accumulate(sizes.cbegin(), sizes.cend(), 0);
        sizes[0] = !m_summary->isHidden() ? std::min(sizes[0], total / 3) : 0;
        sizes[1] = errorHeight;
        sizes[2] = std::max(0, total - sizes[0] - sizes[1]);
        m_splitter->setSizes(sizes);
    }
    // A run nobody answers for any more is still followed: a scheduler may record its end.
    m_following = run.outcome == RunOutcome::Running;
    if (const auto since = RunFormat::silentSince(run, m_clock.now()))
        m_followLabel->setText(RunFormat::silentReason(run, m_clock.now()));
    else
        m_followLabel->setText(tr("The run is in progress: its log follows live."));
    m_followLabel->setVisible(m_following);
    if (m_following && !m_poll->isActive())
        m_poll->start();
    if (!m_following) {
        m_poll->stop();
        if (wasFollowing)
            requestLog(); // the lines written when it finished
    }
    setWindowTitle(tr("Run %1 of %2 — %3").arg(run.id).arg(run.job, toText(run.outcome)));
    emit runLoaded();
}

void RunDetailsDialog::showSummary(const QJsonObject &summary)
{
    m_summary->setRowCount(int(summary.size()));
    int row = 0;
    for (auto it = summary.constBegin(); it != summary.constEnd(); ++it, ++row) {
        m_summary->setItem(row, 0, cell(it.key()));
        m_summary->setItem(row, 1, cell(jsonText(it.value())));
    }
    m_summary->setVisible(!summary.isEmpty());
}

void RunDetailsDialog::appendLog(const QList<StoredLogLine> &lines)
{
    if (lines.isEmpty())
        return;
    QScrollBar *scroll = m_logTable->verticalScrollBar();
    const bool atBottom = scroll->value() == scroll->maximum();
    int row = m_logTable->rowCount();
    m_logTable->setRowCount(row + int(lines.size()));
    for (const StoredLogLine &line : lines) {
        m_logTable->setItem(row, 0, cell(TimeDisplay::dateTime(line.loggedAt)));
        m_logTable->setItem(row, 1, cell(toText(line.level)));
        m_logTable->setItem(row, 2, cell(line.message));
        m_logTable->setItem(row, 3, cell(fieldsText(line.fields)));
        ++row;
        m_lastSeq = std::max(m_lastSeq, line.seq);
    }
    m_log.append(lines);
    if (m_log.size() == lines.size()) {
        // Time, level and message as wide as they are; the fields take the rest and elide
        // (their whole text is in the tooltip and in Copy).
        for (int column = 0; column < 3; ++column)
            m_logTable->resizeColumnToContents(column);
    }
    if (atBottom)
        m_logTable->scrollToBottom();
}

void RunDetailsDialog::showLoadError(const QString &error)
{
    m_reader->reportFailure(error);
    m_loadError->setProblem(tr("Could not read run %1: %2").arg(m_runId).arg(error));
}

QString RunDetailsDialog::fieldText(Field field) const
{
    if (!m_run)
        return QStringLiteral("…");
    const StoredRun &run = *m_run;
    switch (field) {
    case Field::Job:
        return run.job;
    case Field::Status: {
        QString text = toText(run.outcome);
        if (const auto since = RunFormat::silentSince(run, m_clock.now()))
            text += tr(", %1").arg(RunFormat::silentText(run, *since));
        if (run.dryRun)
            text += tr(" (dry run)");
        if (run.cancelRequestedAt.isValid())
            text += tr(" — cancel requested by %1 at %2")
                        .arg(orDash(run.cancelRequestedBy),
                             TimeDisplay::dateTime(run.cancelRequestedAt));
        return text;
    }
    case Field::Trigger:
        return run.missedCount > 1 ? tr("%1 (stands for %2 occurrences)")
                                         .arg(toText(run.trigger))
                                         .arg(run.missedCount)
                                   : toText(run.trigger);
    case Field::Occurrence:
        return TimeDisplay::dateTime(run.occurrence);
    case Field::Started:
        return TimeDisplay::dateTime(run.startedAt);
    case Field::Finished:
        return run.finishedAt.isValid()
                   ? TimeDisplay::dateTime(run.finishedAt)
                   : tr("not yet (last heartbeat %1)").arg(TimeDisplay::dateTime(run.heartbeatAt));
    case Field::Duration:
        if (run.finishedAt.isValid())
            return TimeDisplay::duration(run.startedAt.msecsTo(run.finishedAt));
        if (const auto since = RunFormat::silentSince(run, m_clock.now()))
            return tr("%1 until it stopped responding")
                .arg(TimeDisplay::duration(run.startedAt.msecsTo(*since)));
        return tr("%1 so far").arg(TimeDisplay::duration(run.startedAt.msecsTo(m_clock.now())));
    case Field::Attempts:
        return QString::number(run.attempts);
    case Field::Instance:
        return orDash(run.instanceId);
    case Field::RequestedBy:
        return run.requestedBy.isEmpty() ? tr("the scheduler") : run.requestedBy;
    case Field::Reason:
        return orDash(run.reason);
    case Field::Progress:
        if (const QString text = RunFormat::progressText(run.progress); !text.isEmpty())
            return text;
        return QStringLiteral("—");
    }
    return {};
}

QString RunDetailsDialog::detailsText() const
{
    QStringList lines;
    for (const auto &[field, caption] : std::as_const(m_captions))
        lines.append(caption + QStringLiteral(": ") + fieldText(field));
    if (m_run && !m_run->summary.isEmpty()) {
        lines.append(tr("Summary:"));
        for (auto it = m_run->summary.constBegin(); it != m_run->summary.constEnd(); ++it)
            lines.append(QStringLiteral("  ") + it.key() + QStringLiteral(": ") +
                         jsonText(it.value()));
    }
    if (m_run && !m_run->error.isEmpty())
        lines.append(tr("Error:") + u'\n' + m_run->error);
    lines.append(tr("Log (%n line(s)):", nullptr, int(m_log.size())));
    for (const StoredLogLine &line : m_log)
        lines.append(TimeDisplay::dateTime(line.loggedAt) + u' ' + toText(line.level) + u' ' +
                     LogFields::format(line.message, line.fields));
    return lines.join(u'\n') + u'\n';
}

void RunDetailsDialog::copyToClipboard()
{
    QApplication::clipboard()->setText(detailsText());
}

} // namespace jc
