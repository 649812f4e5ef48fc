#include "main/GlanceLine.h"

#include "models/JobTableModel.h"

#include <QColor>
#include <QFont>
#include <QPalette>

namespace jc {

GlanceLine::GlanceLine(const JobTableModel *model, QWidget *parent)
    : QLabel(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("glanceLabel"));
    setTextFormat(Qt::PlainText);
    setWordWrap(true);
    setAccessibleName(tr("All jobs at a glance"));
    setContentsMargins(6, 4, 6, 0);
    m_soon.setSingleShot(true);
    m_soon.setInterval(100);
    connect(&m_soon, &QTimer::timeout, this, &GlanceLine::update);
    // Started only when idle: restarting on every change would put it off for as long as
    // changes keep coming.
    const auto updateSoon = [this] {
        if (!m_soon.isActive())
            m_soon.start();
    };
    connect(model, &QAbstractItemModel::dataChanged, this, updateSoon);
    connect(model, &QAbstractItemModel::modelReset, this, updateSoon);
}

void GlanceLine::update()
{
    const JobsAtAGlance glance = m_model->glance();
    const bool attention = glance.level == JobsAtAGlance::Level::NeedsAttention;
    if (text() == glance.text && m_attention == attention)
        return;
    m_attention = attention;
    setText(glance.text);
    QPalette shade = palette();
    shade.setColor(QPalette::WindowText,
                   attention ? QColor(0xc0, 0x39, 0x2b) : QColor(0x2e, 0x9d, 0x4f));
    setPalette(shade);
    QFont weight = font();
    weight.setBold(attention);
    setFont(weight);
    emit changed(glance);
}

} // namespace jc
