#include "dialogs/ProblemLabel.h"

#include <QPalette>

namespace jc {

ProblemLabel::ProblemLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A red that reads on light and dark palettes alike.
    QPalette palette = this->palette();
    palette.setColor(QPalette::WindowText, QColor(0xd3, 0x2f, 0x2f));
    setPalette(palette);
    hide();
}

void ProblemLabel::setProblem(const QString &problem)
{
    setText(problem);
    setAccessibleDescription(problem);
    setVisible(!problem.isEmpty());
}

} // namespace jc
