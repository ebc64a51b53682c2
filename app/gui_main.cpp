// mmsim: the desktop front end. A thin program over ui/ and core/.
//   mmsim [SCENARIO] [--scenario F] [--step N] [--view NAME] [--theme dark|light]
//         [--size WxH] [--screenshot out.png] [--micro K] [--break SPEC]...
//         [--machine-editor]
// With --screenshot the window is rendered after N steps with that view in
// front, saved as PNG and the program exits (headless: the offscreen
// platform unless QT_QPA_PLATFORM says otherwise).
#include "app/quiet_qt.h"
#include "ui/breakpoints_dock.h"
#include "ui/buddy_view.h"
#include "ui/machine_editor.h"
#include "ui/machine_editor_actions.h"
#include "ui/main_window.h"
#include "ui/slab_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QImage>
#include <QPixmap>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool hasOption(int argc, char** argv, const char* name) {
    const std::size_t n = std::strlen(name);
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], name, n) == 0 && (argv[i][n] == 0 || argv[i][n] == '='))
            return true;
    return false;
}

bool wantsScreenshot(int argc, char** argv) {
    return hasOption(argc, argv, "--screenshot");
}

// --help and --version print and exit: they need no display.
bool onlyPrints(int argc, char** argv) {
    return hasOption(argc, argv, "--help") || hasOption(argc, argv, "-h") ||
           hasOption(argc, argv, "--help-all") || hasOption(argc, argv, "--version") ||
           hasOption(argc, argv, "-v");
}

bool haveDisplay() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

int fail(const QString& msg, int code = 2) {
    std::fprintf(stderr, "mmsim: %s\n", msg.toLocal8Bit().constData());
    return code;
}

// --machine-editor: the machine editor over the window, on the machine of
// the scenario given (else a new machine); with --screenshot the editor is
// what is rendered, once its preview is ready.
int machineEditor(QApplication& app, mmsim::ui::MainWindow& w, const QString& path, bool headless,
                  const QString& png, int width, int height, const QString& page) {
    if (!headless) {
        if (!mmsim::ui::openMachineEditor(&w, path)) return 2;
        return app.exec();
    }
    mmsim::ui::MachineEditorDialog dlg(&w);
    QString error;
    if (!path.isEmpty() && !dlg.loadScenarioFile(path, &error)) return fail(error);
    if (!page.isEmpty() && !dlg.showPage(page))
        return fail(QString("unknown editor page '%1' (nodes, e820, kernel, scenario)").arg(page));
    dlg.resize(width, height);
    dlg.show();
    if (!dlg.waitForPreview()) return fail("the machine editor's preview did not finish");
    QTimer::singleShot(100, &dlg, [&] {
        dlg.waitForPreview();
        QImage img = dlg.grab().toImage();
        if (img.size() != QSize(width, height))
            img = img.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const bool ok = img.save(png, "PNG");
        if (!ok) std::fprintf(stderr, "mmsim: cannot write %s\n", qPrintable(png));
        QApplication::exit(ok ? 0 : 1);
    });
    return app.exec();
}

} // namespace

int main(int argc, char** argv) {
    const bool headless = wantsScreenshot(argc, argv);
    if ((headless || onlyPrints(argc, argv)) && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (headless) mmsim::app::quietOffscreenWarnings();
    if (!haveDisplay()) {
        std::fprintf(
            stderr, "mmsim: no display (DISPLAY and WAYLAND_DISPLAY are not set).\n"
                    "  On a machine without a screen: xvfb-run -a mmsim ... --screenshot out.png,\n"
                    "  or the command line: mmsim-cli run SCENARIO --print buddyinfo\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName("mmsim");
    QApplication::setOrganizationName("mmsim");
    QApplication::setApplicationVersion(QStringLiteral(MMSIM_VERSION));
    QCommandLineParser p;
    p.setApplicationDescription("Cycle-aware simulator of Linux physical memory management");
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument("scenario", "scenario JSON to open");
    QCommandLineOption scen("scenario", "scenario JSON to open", "file");
    QCommandLineOption step("step", "run N steps first", "N");
    QCommandLineOption view(
        "view",
        "view in front: machine, memblock, zones, buddy, pagemap, slab, proc (or a /proc view)",
        "name");
    QCommandLineOption theme("theme", "colour theme: light or dark", "name");
    QCommandLineOption size("size", "window size WxH", "WxH", "1280x800");
    QCommandLineOption shot("screenshot", "render the window to a PNG and exit", "png");
    QCommandLineOption micro("micro", "then K micro-steps (one event each)", "K");
    QCommandLineOption brk("break", "a breakpoint (as mmsim-cli run --break; repeatable); with "
                           "one, the window runs to the first hit after the steps", "spec");
    QCommandLineOption editor("machine-editor", "open the machine editor on the scenario's machine "
                              "(no scenario: a new machine; --view: nodes, e820, kernel or "
                              "scenario)");
    p.addOptions({scen, step, view, theme, size, shot, micro, brk, editor});
    p.process(app);

    mmsim::ui::Theme th = mmsim::ui::Theme::Light;
    if (p.isSet(theme)) {
        bool ok = false;
        th = mmsim::ui::themeFromName(p.value(theme), &ok);
        if (!ok) return fail(QString("unknown theme '%1' (light or dark)").arg(p.value(theme)));
    }
    mmsim::ui::applyTheme(app, th);

    int width = 1280, height = 800;
    {
        const QStringList wh = p.value(size).toLower().split('x');
        bool okw = false, okh = false;
        if (wh.size() == 2) {
            width = wh[0].toInt(&okw);
            height = wh[1].toInt(&okh);
        }
        if (!okw || !okh || width < 320 || height < 240)
            return fail(QString("bad --size '%1' (WxH, at least 320x240)").arg(p.value(size)));
    }
    int steps = 0;
    if (p.isSet(step)) {
        bool ok = false;
        steps = p.value(step).toInt(&ok);
        if (!ok || steps < 0) return fail(QString("bad --step '%1'").arg(p.value(step)));
    }

    mmsim::ui::MainWindow w;
    // The saved layout and preferences; screenshots use the defaults, and
    // an explicit --theme wins over the saved one.
    if (!headless) w.restoreSettings();
    if (headless || p.isSet(theme)) w.setTheme(th);
    QString path = p.value(scen);
    if (path.isEmpty() && !p.positionalArguments().isEmpty())
        path = p.positionalArguments().first();
    if (path.isEmpty()) path = QStringLiteral(MMSIM_DEFAULT_SCENARIO);
    if (!w.openScenario(path, !headless) && headless) return fail(w.lastError());
    w.waitIdle();
    for (int i = 0; i < steps; ++i) {
        // The views see the state before the last step, so they can show
        // what the step changed (the slab view animates from it).
        if (i == steps - 1) w.waitIdle();
        w.stepForward();
    }
    for (const QString& b : p.values(brk)) {
        QString err;
        if (!w.breakpointsDock()->addBreakpoint(b, &err))
            return fail(QString("--break %1: %2").arg(b, err));
    }
    if (p.isSet(brk)) {
        w.waitIdle();
        w.runToEnd();
    }
    for (int i = 0, k = p.value(micro).toInt(); i < k; ++i)
        w.microStep();
    if (p.isSet(view) && !p.isSet(editor) && !w.showView(p.value(view))) {
        const QString msg =
            QString("unknown view '%1' (%2, or a /proc view such as zoneinfo)")
                .arg(p.value(view), mmsim::ui::MainWindow::viewNames().join(", "));
        if (headless) return fail(msg);
        std::fprintf(stderr, "mmsim: %s\n", msg.toLocal8Bit().constData());
    }
    if (headless || p.isSet(size)) w.resize(width, height);
    w.show();
    if (p.isSet(editor)) {
        const bool given = p.isSet(scen) || !p.positionalArguments().isEmpty();
        return machineEditor(app, w, given ? path : QString(), headless, p.value(shot), width,
                             height, p.value(view)); // --view: the editor's page
    }
    if (headless) {
        w.waitIdle();
        QTimer::singleShot(100, &w, [&] {
            w.waitIdle();
            // A split or merge caught half way: the same frame every time.
            w.buddyView()->freezeAnimation(0.45);
            w.slabView()->freezeAnimation(1.0); // the step done, its changes ringed
            QImage img = w.grab().toImage();
            if (img.size() != QSize(width, height))
                img = img.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            const bool ok = img.save(p.value(shot), "PNG");
            if (!ok) std::fprintf(stderr, "mmsim: cannot write %s\n", qPrintable(p.value(shot)));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
