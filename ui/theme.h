// Light and dark themes and the colours every view shares: the Okabe–Ito
// palette for migrate types (DESIGN.md "UI conventions"), neutral hues plus
// that palette for e820 types. No global state: a view asks its own
// palette whether it is dark.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

#include <cstdint>

class QApplication;
class QWidget;

namespace mmsim::ui {

enum class Theme { Light, Dark };

// "dark" / "light" (anything else: nullopt-like Light with ok = false).
Theme themeFromName(const QString& name, bool* ok = nullptr);
QString themeName(Theme t);
QPalette themePalette(Theme t);
// Sets the Fusion style and the theme's palette on the application.
void applyTheme(QApplication& app, Theme t);

// True when the widget is drawn on a dark background.
bool isDark(const QWidget* w);

// Okabe–Ito migrate type colours, indexed like core's MigrateType
// (MIGRATE_UNMOVABLE = 0, MOVABLE = 1, RECLAIMABLE = 2, HIGHATOMIC = 3,
// ISOLATE = 4: the modelled kernels have no CONFIG_CMA).
QColor migratetypeColor(int mt, bool dark);
// CMA yellow, for when CMA pageblocks are modelled.
QColor cmaColor();
// e820 type colours: usable RAM takes MOVABLE blue, the others neutral
// greys or palette hues; the legend names them.
QColor e820Color(std::uint32_t type, bool dark);
// memblock lanes: memory and reserved.
QColor memblockMemoryColor(bool dark);
QColor memblockReservedColor(bool dark);
// Watermark colours (min, low, high) and the free-pages bar.
QColor wmarkColor(int wmark, bool dark);
QColor freeBarColor(bool dark);
// Text colour readable on 'bg'.
QColor textOn(const QColor& bg);
// Background of a changed line in the /proc views.
QColor changedLineColor(bool dark);

} // namespace mmsim::ui
