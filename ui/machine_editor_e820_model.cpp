#include "ui/machine_editor_e820_model.h"

#include "core/memparse.h"
#include "ui/format.h"
#include "ui/machine_editor_session.h"
#include "ui/theme.h"

#include <QBrush>
#include <QColor>
#include <QComboBox>
#include <QPalette>

#include <algorithm>

namespace mmsim::ui {

namespace {

constexpr std::uint32_t kReserved = 2;

std::optional<std::uint64_t> parseValue(const QVariant& v, QString* why) {
    const ParsedSize p = memparseDetailed(v.toString().trimmed().toStdString());
    if (!p.value && why) *why = QString::fromStdString(p.why);
    return p.value;
}

std::optional<std::uint32_t> parseType(const QString& text) {
    const QString t = text.trimmed();
    for (const auto& [name, num] : e820Types())
        if (t == QLatin1String(name.data(), static_cast<qsizetype>(name.size())) ||
            t == e820TypeLabel(num))
            return num;
    bool ok = false;
    const qulonglong n =
        t.startsWith(QLatin1String("0x")) ? t.mid(2).toULongLong(&ok, 16) : t.toULongLong(&ok, 10);
    if (ok && n >= 1 && n <= 0xffffffffull) return static_cast<std::uint32_t>(n);
    return std::nullopt;
}

} // namespace

QString e820TypeLabel(std::uint32_t type) {
    if (type == 7) return QStringLiteral("persistent (PMEM)");
    const std::string key = e820TypeKey(type);
    if (key == std::to_string(type)) return QObject::tr("type %1").arg(type);
    return QString::fromStdString(key);
}

EditorE820Model::EditorE820Model(MachineEditSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    rows_ = static_cast<int>(session_->draft().e820.size());
    connect(session_, &MachineEditSession::changed, this, &EditorE820Model::onChanged);
}

int EditorE820Model::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows_;
}

int EditorE820Model::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EditorE820Model::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_ || index.column() >= ColumnCount) return {};
    const auto& map = session_->draft().e820;
    if (static_cast<std::size_t>(index.row()) >= map.size()) return {};
    const E820EntrySpec& e = map[static_cast<std::size_t>(index.row())];
    const std::uint64_t last = e.size ? e.addr + (e.size - 1) : e.addr;
    const int col = index.column();
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Start:
            return hexShort(e.addr);
        case End:
            return hexShort(last);
        case Size:
            return humanSize(e.size);
        case Type:
            return e820TypeLabel(e.type);
        }
    }
    if (role == Qt::EditRole) {
        switch (col) {
        case Start:
            return QString::fromStdString(hexText(e.addr));
        case End:
            return QString::fromStdString(hexText(last));
        case Size:
            return QString::fromStdString(sizeText(e.size));
        case Type:
            return QString::fromStdString(e820TypeKey(e.type));
        }
    }
    if (role == Qt::ToolTipRole) {
        const QString issue = session_->issueText(DraftPart::E820, index.row());
        if (!issue.isEmpty()) return issue;
        return tr("BIOS-e820: [mem %1-%2] %3 (%4 bytes)")
            .arg(hexAddr(e.addr), hexAddr(last), e820TypeLabel(e.type))
            .arg(e.size);
    }
    if (role == Qt::BackgroundRole) {
        if (session_->hasError(DraftPart::E820, index.row()))
            return QBrush(QColor(0xd5, 0x5e, 0x00, 70));
        if (col == Type) {
            const bool dark = QPalette().color(QPalette::Base).lightness() < 128;
            QColor c = e820Color(e.type, dark);
            c.setAlpha(90);
            return QBrush(c);
        }
    }
    if (role == Qt::TextAlignmentRole && col == Size)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && (col == Start || col == End)) {
        QFont f(QStringLiteral("monospace"));
        f.setStyleHint(QFont::TypeWriter);
        return f;
    }
    return {};
}

bool EditorE820Model::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !index.isValid() || index.row() >= rows_) return false;
    const auto row = static_cast<std::size_t>(index.row());
    const E820EntrySpec e = session_->draft().e820.at(row);
    const std::uint64_t end = e.addr + e.size; // exclusive; may wrap to 0 at 2^64
    E820EntrySpec out = e;
    QString why;
    switch (index.column()) {
    case Start: {
        const auto v = parseValue(value, &why);
        if (!v) {
            session_->reject(tr("start: %1").arg(why));
            return false;
        }
        // The end stays where it is.
        if (*v - e.addr >= e.size && *v >= e.addr) {
            session_->reject(tr("start %1 is not below the entry's end").arg(hexShort(*v)));
            return false;
        }
        out.addr = *v;
        out.size = end - *v;
        break;
    }
    case End: {
        const auto v = parseValue(value, &why);
        if (!v) {
            session_->reject(tr("end: %1").arg(why));
            return false;
        }
        if (*v < e.addr || *v == ~0ull) {
            session_->reject(tr("the end (inclusive) must be at or above the start and below "
                                "2^64-1"));
            return false;
        }
        out.size = *v - e.addr + 1;
        break;
    }
    case Size: {
        const auto v = parseValue(value, &why);
        if (!v) {
            session_->reject(tr("size: %1").arg(why));
            return false;
        }
        out.size = *v;
        break;
    }
    case Type: {
        const auto t = parseType(value.toString());
        if (!t) {
            session_->reject(tr("unknown e820 type \"%1\"").arg(value.toString()));
            return false;
        }
        out.type = *t;
        break;
    }
    default:
        return false;
    }
    session_->edit(
        MachineEditSession::E820Part, [&](MachineDraft& d) { d.e820[row] = out; }, this);
    refreshAll();
    return true;
}

Qt::ItemFlags EditorE820Model::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QVariant EditorE820Model::headerData(int section, Qt::Orientation o, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (o == Qt::Vertical) return section >= 0 && section < rows_ ? QVariant(section) : QVariant();
    if (section < 0 || section >= ColumnCount) return {};
    static const char* const h[] = {"start", "end (inclusive)", "size", "type"};
    return tr(h[section]);
}

int EditorE820Model::addEntry(int after) {
    const auto& map = session_->draft().e820;
    const int at = after < 0 || after >= rows_ ? rows_ : after + 1;
    E820EntrySpec e{0, 1ull << 20, kReserved};
    if (at > 0) {
        const E820EntrySpec& prev = map[static_cast<std::size_t>(at - 1)];
        e.addr = prev.addr + prev.size;
    }
    // Up to the next entry above, if that is closer than 1 MiB.
    for (const E820EntrySpec& o : map)
        if (o.addr > e.addr && o.addr - e.addr < e.size) e.size = o.addr - e.addr;
    if (e.size == 0) e.size = 0x1000;
    beginInsertRows({}, at, at);
    session_->edit(
        MachineEditSession::E820Part,
        [&](MachineDraft& d) { d.addE820(static_cast<std::size_t>(at), e); }, this);
    rows_ = static_cast<int>(session_->draft().e820.size());
    endInsertRows();
    refreshAll();
    return at;
}

bool EditorE820Model::splitEntry(int row, std::uint64_t addr) {
    if (row < 0 || row >= rows_) return false;
    const E820EntrySpec e = session_->draft().e820[static_cast<std::size_t>(row)];
    if (addr <= e.addr || addr - e.addr >= e.size) {
        session_->reject(tr("%1 is not inside entry %2 [%3-%4]: a split needs an address "
                            "strictly inside the entry")
                             .arg(hexShort(addr))
                             .arg(row)
                             .arg(hexShort(e.addr), hexShort(e.addr + e.size - 1)));
        return false;
    }
    beginInsertRows({}, row + 1, row + 1);
    session_->edit(
        MachineEditSession::E820Part,
        [&](MachineDraft& d) { d.splitE820(static_cast<std::size_t>(row), addr); }, this);
    rows_ = static_cast<int>(session_->draft().e820.size());
    endInsertRows();
    refreshAll();
    return true;
}

bool EditorE820Model::retype(int row, std::uint32_t type) {
    if (row < 0 || row >= rows_ || type == 0) return false;
    return setData(index(row, Type), QString::number(type));
}

bool EditorE820Model::removeEntry(int row) {
    if (row < 0 || row >= rows_) return false;
    beginRemoveRows({}, row, row);
    session_->edit(
        MachineEditSession::E820Part,
        [row](MachineDraft& d) { d.removeE820(static_cast<std::size_t>(row)); }, this);
    rows_ = static_cast<int>(session_->draft().e820.size());
    endRemoveRows();
    refreshAll();
    return true;
}

bool EditorE820Model::generateFromNodes() {
    const MachineDraft& d = session_->draft();
    const std::uint64_t ram = d.totalMemory();
    if (!d.memoryParses() || ram < kMinRam || ram > (4ull << 40)) {
        session_->reject(tr("the nodes' memory must parse and be between 2M and 4T to "
                            "generate a map"));
        return false;
    }
    beginResetModel();
    session_->edit(
        MachineEditSession::E820Part, [](MachineDraft& m) { m.generateE820(); }, this);
    rows_ = static_cast<int>(session_->draft().e820.size());
    endResetModel();
    return true;
}

void EditorE820Model::refreshAll() {
    if (rows_ > 0) emit dataChanged(index(0, 0), index(rows_ - 1, ColumnCount - 1));
}

void EditorE820Model::onChanged(int parts, QObject* origin) {
    if (origin == this) return;
    const int rows = static_cast<int>(session_->draft().e820.size());
    if (rows != rows_ || (parts & MachineEditSession::E820Part)) {
        beginResetModel();
        rows_ = rows;
        endResetModel();
    } else if (parts) {
        refreshAll();
    }
}

// ---------------------------------------------------------------- delegate

QWidget* E820TypeDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem&,
                                        const QModelIndex&) const {
    auto* box = new QComboBox(parent);
    for (const auto& [name, num] : e820Types())
        box->addItem(e820TypeLabel(num),
                     QString(QLatin1String(name.data(), static_cast<qsizetype>(name.size()))));
    return box;
}

void E820TypeDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
    auto* box = static_cast<QComboBox*>(editor);
    const int i = box->findData(index.data(Qt::EditRole).toString());
    if (i >= 0) box->setCurrentIndex(i);
}

void E820TypeDelegate::setModelData(QWidget* editor, QAbstractItemModel* model,
                                    const QModelIndex& index) const {
    auto* box = static_cast<QComboBox*>(editor);
    model->setData(index, box->currentData(), Qt::EditRole);
}

} // namespace mmsim::ui
