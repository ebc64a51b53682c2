#include "ui/theme.h"

#include <QApplication>
#include <QStyleFactory>
#include <QWidget>

namespace mmsim::ui {

Theme themeFromName(const QString& name, bool* ok) {
    const QString n = name.trimmed().toLower();
    if (ok) *ok = (n == "dark" || n == "light");
    return n == "dark" ? Theme::Dark : Theme::Light;
}

QString themeName(Theme t) {
    return t == Theme::Dark ? "dark" : "light";
}

QPalette themePalette(Theme t) {
    QPalette p;
    if (t == Theme::Light) {
        p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
        p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf3, 0xf7));
        p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf2));
        p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x8e));
        p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xee));
        p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
        p.setColor(QPalette::BrightText, Qt::red);
        p.setColor(QPalette::Mid, QColor(0xb8, 0xbd, 0xc4));
        p.setColor(QPalette::Dark, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Light, Qt::white);
        p.setColor(QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x00, 0x5a, 0x8c));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa0, 0xa8));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa0, 0xa8));
    } else {
        p.setColor(QPalette::Window, QColor(0x26, 0x28, 0x2c));
        p.setColor(QPalette::WindowText, QColor(0xe4, 0xe6, 0xea));
        p.setColor(QPalette::Base, QColor(0x1b, 0x1d, 0x20));
        p.setColor(QPalette::AlternateBase, QColor(0x23, 0x26, 0x2a));
        p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe4, 0xe6, 0xea));
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x98));
        p.setColor(QPalette::Text, QColor(0xe4, 0xe6, 0xea));
        p.setColor(QPalette::Button, QColor(0x32, 0x35, 0x3a));
        p.setColor(QPalette::ButtonText, QColor(0xe4, 0xe6, 0xea));
        p.setColor(QPalette::BrightText, QColor(0xff, 0x80, 0x80));
        p.setColor(QPalette::Mid, QColor(0x4a, 0x4e, 0x55));
        p.setColor(QPalette::Dark, QColor(0x15, 0x16, 0x18));
        p.setColor(QPalette::Light, QColor(0x40, 0x44, 0x4a));
        p.setColor(QPalette::Shadow, QColor(0x0a, 0x0a, 0x0a));
        p.setColor(QPalette::Highlight, QColor(0x2a, 0x8c, 0xcc));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x56, 0xB4, 0xE9));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6a, 0x6e, 0x75));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6a, 0x6e, 0x75));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6a, 0x6e, 0x75));
    }
    return p;
}

void applyTheme(QApplication& app, Theme t) {
    if (QStyle* s = QStyleFactory::create("Fusion")) QApplication::setStyle(s);
    QApplication::setPalette(themePalette(t));
    app.setProperty("mmsimTheme", themeName(t));
}

bool isDark(const QWidget* w) {
    const QPalette& p = w ? w->palette() : QApplication::palette();
    return p.color(QPalette::Window).lightness() < 128;
}

QColor migratetypeColor(int mt, bool dark) {
    // Okabe–Ito; the dark theme lifts the darkest hues for contrast.
    switch (mt) {
    case 0:
        return dark ? QColor(0xE6, 0x6A, 0x1E) : QColor(0xD5, 0x5E, 0x00); // UNMOVABLE
    case 1:
        return dark ? QColor(0x2F, 0x93, 0xD6) : QColor(0x00, 0x72, 0xB2); // MOVABLE
    case 2:
        return dark ? QColor(0x1C, 0xB8, 0x8A) : QColor(0x00, 0x9E, 0x73); // RECLAIMABLE
    case 3:
        return QColor(0xCC, 0x79, 0xA7); // HIGHATOMIC
    case 4:
        return cmaColor(); // CMA
    default:
        return QColor(0x99, 0x99, 0x99); // ISOLATE (core: MIGRATE_ISOLATE = 5)
    }
}

QColor cmaColor() {
    return QColor(0xF0, 0xE4, 0x42);
}

QColor e820Color(std::uint32_t type, bool dark) {
    switch (type) {
    case 1:
        return migratetypeColor(1, dark); // usable
    case 2:
        return dark ? QColor(0x70, 0x74, 0x7a) : QColor(0x9a, 0x9e, 0xa4); // reserved
    case 3:
        return QColor(0x56, 0xB4, 0xE9); // ACPI data
    case 4:
        return QColor(0xCC, 0x79, 0xA7); // ACPI NVS
    case 5:
        return migratetypeColor(0, dark); // unusable
    case 7:
    case 12:
        return QColor(0xE6, 0x9F, 0x00); // persistent
    case 0xefffffff:
        return QColor(0xF0, 0xE4, 0x42); // soft reserved
    case 128:
        return migratetypeColor(2, dark); // reserved (kern)
    default:
        return dark ? QColor(0x55, 0x58, 0x5e) : QColor(0xc4, 0xc7, 0xcc);
    }
}

QColor memblockMemoryColor(bool dark) {
    return migratetypeColor(1, dark);
}
QColor memblockReservedColor(bool dark) {
    return migratetypeColor(0, dark);
}

QColor wmarkColor(int wmark, bool dark) {
    switch (wmark) {
    case 0:
        return migratetypeColor(0, dark); // min: vermillion
    case 1:
        return QColor(0xE6, 0x9F, 0x00); // low: orange
    default:
        return migratetypeColor(2, dark); // high: bluish green
    }
}

QColor freeBarColor(bool dark) {
    return migratetypeColor(1, dark);
}

QColor textOn(const QColor& bg) {
    const double l = 0.299 * bg.redF() + 0.587 * bg.greenF() + 0.114 * bg.blueF();
    return l > 0.6 ? QColor(0x10, 0x10, 0x10) : QColor(Qt::white);
}

QColor changedLineColor(bool dark) {
    return dark ? QColor(0x5a, 0x4a, 0x10) : QColor(0xff, 0xf1, 0xa8);
}

} // namespace mmsim::ui
