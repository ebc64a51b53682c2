// Headless runs (mmsim --screenshot, mmsim-cli export-charts) use Qt's
// offscreen platform, which warns about window features it cannot have and
// about a missing XDG_RUNTIME_DIR. Those lines say nothing to the user:
// drop them, pass every other message on.
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <cstdio>
#include <cstring>

namespace mmsim::app {

inline void quietOffscreenWarnings() {
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& msg) {
        static const char* const kNoise[] = {"does not support propagateSizeHints",
                                             "does not support raise", "XDG_RUNTIME_DIR not set"};
        const QByteArray text = msg.toLocal8Bit();
        if (type == QtWarningMsg || type == QtDebugMsg || type == QtInfoMsg)
            for (const char* n : kNoise)
                if (std::strstr(text.constData(), n)) return;
        std::fprintf(stderr, "%s\n", text.constData());
        if (type == QtFatalMsg) std::abort();
    });
}

} // namespace mmsim::app
