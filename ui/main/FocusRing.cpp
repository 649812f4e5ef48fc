#include "main/FocusRing.h"

#include <QApplication>
#include <QPainter>
#include <QPointer>

namespace jc {

namespace {

// The ring lives in the focused widget's parent, so it goes when that window goes; a new one
// is made for the next focus.
QPointer<FocusRing> &ring()
{
    static QPointer<FocusRing> instance;
    return instance;
}

bool wantsRing(const QWidget *widget)
{
    return widget && widget->parentWidget() && !(widget->window()->windowType() == Qt::Popup);
}

void follow(QWidget *focused)
{
    if (!wantsRing(focused)) {
        if (ring())
            ring()->setWidget(nullptr);
        return;
    }
    if (!ring())
        ring() = new FocusRing(focused->parentWidget());
    ring()->setWidget(focused);
}

} // namespace

void FocusRing::followFocus()
{
    static bool following = false;
    if (following)
        return;
    following = true;
    QObject::connect(qApp, &QApplication::focusChanged, qApp,
                     [](QWidget *, QWidget *now) { follow(now); });
    follow(QApplication::focusWidget());
}

FocusRing *FocusRing::current()
{
    return ring() && ring()->widget() && ring()->isVisible() ? ring().data() : nullptr;
}

void FocusRing::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Active, QPalette::Highlight), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRoundedRect(QRectF(rect()).adjusted(1, 1, -1, -1), 3, 3);
}

} // namespace jc
