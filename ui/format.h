// Small formatting helpers shared by the views: sizes, addresses, pfns.
#pragma once

#include <QString>

#include <cstdint>

namespace mmsim::ui {

// "0x000000007ffdf000" (as the kernel prints physical addresses).
inline QString hexAddr(std::uint64_t a) {
    return QStringLiteral("0x%1").arg(a, 16, 16, QLatin1Char('0'));
}
// "0x7ffdf000" (short form for labels).
inline QString hexShort(std::uint64_t a) {
    return QStringLiteral("0x%1").arg(a, 0, 16);
}

// "1.5 GiB", "640 KiB", "12 B".
inline QString humanSize(std::uint64_t bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 5) {
        v /= 1024.0;
        ++u;
    }
    if (u == 0) return QStringLiteral("%1 B").arg(bytes);
    int prec = v >= 100 ? 0 : (v >= 10 ? 1 : 2);
    if (u < 5 && QString::number(v, 'f', prec) == QLatin1String("1024")) {
        v /= 1024.0; // 1023.99 MiB reads better as 1 GiB
        ++u;
        prec = 2;
    }
    QString s = QString::number(v, 'f', prec);
    if (s.contains('.')) {
        while (s.endsWith('0'))
            s.chop(1);
        if (s.endsWith('.')) s.chop(1);
    }
    return s + ' ' + units[u];
}

// "[mem 0x...-0x...]" with the inclusive end, as the kernel prints ranges.
inline QString memRange(std::uint64_t start, std::uint64_t end) {
    return QStringLiteral("[mem %1-%2]").arg(hexAddr(start), hexAddr(end ? end - 1 : 0));
}

// Pages to a human size (4 KiB pages).
inline QString pagesSize(std::uint64_t pages) {
    return humanSize(pages * 4096);
}

} // namespace mmsim::ui
