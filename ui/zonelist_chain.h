// A node's zonelist (ZONELIST_FALLBACK) as a chain of labelled boxes in
// the order the allocator tries them. Local zones have a solid outline,
// remote ones a dashed outline (zones and nodes told apart by outline and
// label, not by hue). The chain wraps to the widget's width.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

namespace mmsim::ui {

class ZonelistChain : public QWidget {
    Q_OBJECT
  public:
    explicit ZonelistChain(QWidget* parent = nullptr);
    void setChain(int nid, std::vector<ZoneRef> chain);
    const std::vector<ZoneRef>& chain() const { return chain_; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override;
    QSize sizeHint() const override;

  protected:
    void paintEvent(QPaintEvent*) override;

  private:
    std::vector<QRect> layoutBoxes(int width) const;
    QSize boxSize() const;

    int nid_ = 0;
    std::vector<ZoneRef> chain_;
};

} // namespace mmsim::ui
