import TerminalCanvas

/// How the GPU panels share the body: full bar panels when every GPU fits, else compact rows.
public enum PanelArrangement: Equatable, Sendable {
    /// One rectangle per GPU, in GPU order: a title row, one bar per expert, a totals row.
    case bars([Rect])
    /// One row per GPU; the body's last row is kept for the legend of the cells when it has room
    /// (the mouse and the renderer both read this, so a click lands on the entry drawn under it).
    case compact(CompactArrangement, legend: Rect?)
    /// Presenter mode when not every GPU fits: full bar panels with every number column for a page
    /// of GPUs around the selected one (`panels[i]` is GPU `first + i`), and a row saying which.
    case page(first: Int, panels: [Rect], note: Rect)

    /// Bars need at least this many columns for the bar itself.
    public static let minimumBarWidth = 8
    /// Columns between panels side by side.
    public static let panelGap = 2

    /// Width of an expert label such as `e63`.
    public static func expertLabelWidth(experts: Int) -> Int { 1 + Format.digits(max(0, experts - 1)) }

    /// The narrowest panel that still shows a bar: label, bar, load column.
    public static func minimumPanelWidth(experts: Int) -> Int {
        expertLabelWidth(experts: experts) + 1 + minimumBarWidth + 1 + BarRow.numberWidth
    }

    /// A presenter's panel is at least this wide, so load, overflow and padding all show.
    public static let presenterPanelWidth = 36

    /// `paged` (presenter mode) prefers a page of full panels to the compact grid: a room reads
    /// bars with their counts, not one cell per expert.
    public static func arrange(in body: Rect, gpus: Int, experts: Int, selectedGPU: Int,
                               paged: Bool = false) -> PanelArrangement {
        guard gpus > 0, experts > 0, experts % gpus == 0 else { return .bars([]) }
        let perGPU = experts / gpus
        // A presenter wants every count column (narrower panels give way to a page of wide ones),
        // and taller bars (two or three rows an expert) when every GPU still fits: the room reads
        // bars, and the rows would stay empty otherwise.
        let minimumWidth = paged ? max(presenterPanelWidth, minimumPanelWidth(experts: experts))
                                 : minimumPanelWidth(experts: experts)
        let panelHeight = perGPU + 2
        for rows in paged ? [3, 2, 1] : [1] {
            if let panels = barPanels(in: body, gpus: gpus, panelHeight: perGPU * rows + 2, minimumWidth: minimumWidth) {
                return .bars(panels)
            }
        }
        if paged, let page = page(in: body, gpus: gpus, panelHeight: panelHeight, selectedGPU: selectedGPU) {
            return page
        }
        let legendRows = body.height >= CompactGrid.legendMinimumBodyHeight ? 1 : 0
        let (cells, legend) = body.splitBottom(legendRows)
        return .compact(CompactArrangement.arrange(in: cells, gpus: gpus, experts: experts, selectedGPU: selectedGPU),
                        legend: legendRows > 0 ? legend : nil)
    }

    /// Every GPU's panel at `panelHeight` rows, if they fit the body at least `minimumWidth` wide.
    private static func barPanels(in body: Rect, gpus: Int, panelHeight: Int, minimumWidth: Int) -> [Rect]? {
        let maxRows = body.height / panelHeight
        guard maxRows > 0 else { return nil }
        let columns = (gpus + maxRows - 1) / maxRows
        let widths = body.columns(columns, gap: panelGap)
        guard let narrowest = widths.map(\.width).min(), narrowest >= minimumWidth else { return nil }
        return panels(count: gpus, columns: widths, top: body.y, panelHeight: panelHeight)
    }

    /// `count` panels filled row by row into `columns`, `panelHeight` rows each from row `top`.
    private static func panels(count: Int, columns: [Rect], top: Int, panelHeight: Int) -> [Rect] {
        (0..<count).map { i in
            let column = columns[i % columns.count]
            return Rect(x: column.x, y: top + (i / columns.count) * panelHeight, width: column.width, height: panelHeight)
        }
    }

    /// As many presenter-wide panels as the body holds above its note row, on the page of `selectedGPU`.
    private static func page(in body: Rect, gpus: Int, panelHeight: Int, selectedGPU: Int) -> PanelArrangement? {
        let (area, note) = body.splitBottom(1)
        let rows = area.height / panelHeight
        let columns = min(gpus, max(1, (area.width + panelGap) / (presenterPanelWidth + panelGap)))
        guard rows > 0, area.width >= presenterPanelWidth else { return nil }
        let perPage = min(gpus, rows * columns)
        let first = (min(max(0, selectedGPU), gpus - 1) / perPage) * perPage
        let count = min(perPage, gpus - first)
        return .page(first: first, panels: panels(count: count, columns: area.columns(columns, gap: panelGap),
                                                  top: area.y, panelHeight: panelHeight), note: note)
    }
}

/// The compact view: one entry per GPU (label, one cell per expert, a summary), in columns
/// read top to bottom. When not every GPU fits, a window around the selected GPU shows and the
/// last row says which GPUs are visible.
public struct CompactArrangement: Equatable, Sendable {
    /// One rectangle per visible GPU, starting with `firstGPU`.
    public var entries: [Rect]
    public var firstGPU: Int
    /// Expert cells per text row (an entry wraps its experts over several rows).
    public var cellsPerRow: Int
    /// Columns left for the summary after the cells (0 when there is none).
    public var summaryWidth: Int
    /// The "GPUs a-b of G" line, when some GPUs are hidden.
    public var note: Rect?

    public static let columnGap = 2
    /// Summary columns wanted beside the cells ("ovf 1234  pad 1234  IR 12"), then a short one
    /// ("ovf 1234  pad 12"), before giving the summary up to keep every GPU on screen.
    public static let preferredSummaryWidth = 28
    public static let shortSummaryWidth = 14
    public static func labelWidth(gpus: Int) -> Int { 2 + Format.digits(max(0, gpus - 1)) }

    public var visibleGPUs: Range<Int> { firstGPU..<(firstGPU + entries.count) }

    /// One way to lay the entries out: how many columns, cells per row, summary width.
    private struct Option {
        var columns: Int
        var cells: Int
        var summary: Int
        var rowsPerGPU: Int

        func perColumn(height: Int) -> Int { height / rowsPerGPU }
        func capacity(height: Int) -> Int { perColumn(height: height) * columns }
    }

    public static func arrange(in body: Rect, gpus: Int, experts: Int, selectedGPU: Int) -> CompactArrangement {
        let perGPU = max(1, experts / max(1, gpus))
        let label = labelWidth(gpus: gpus)
        // Prefer a long summary, then a short one, then none; fewest columns first. The first
        // option that shows every GPU wins; otherwise the one that shows the most.
        var best: Option?
        for wanted in [preferredSummaryWidth, shortSummaryWidth, 0] {
            for columns in 1...max(1, gpus) {
                let width = body.columns(columns, gap: columnGap).map(\.width).min() ?? 0
                let cells = min(perGPU, width - label - (wanted > 0 ? wanted + 1 : 0))
                guard cells >= 1 else { break }
                let option = Option(columns: columns, cells: cells, summary: wanted > 0 ? width - label - cells : 0,
                                    rowsPerGPU: (perGPU + cells - 1) / cells)
                if option.capacity(height: body.height) >= gpus {
                    let perColumn = (gpus + columns - 1) / columns
                    return build(option, perColumn: perColumn, first: 0, count: gpus, in: body, note: nil)
                }
                if option.capacity(height: body.height) > (best?.capacity(height: body.height) ?? 0) { best = option }
            }
        }
        // Not every GPU fits: keep the last row for the note and show a window around the selection.
        let empty = CompactArrangement(entries: [], firstGPU: 0, cellsPerRow: 0, summaryWidth: 0, note: nil)
        guard body.height >= 2, let option = best else { return empty }
        let (area, noteRow) = body.splitBottom(1)
        let count = min(gpus, option.capacity(height: area.height))
        guard count > 0 else { return empty }
        let first = min(max(0, selectedGPU - count / 2), gpus - count)
        return build(option, perColumn: option.perColumn(height: area.height), first: first, count: count,
                     in: area, note: noteRow)
    }

    private static func build(_ option: Option, perColumn: Int, first: Int, count: Int, in body: Rect,
                              note: Rect?) -> CompactArrangement {
        let columnRects = body.columns(option.columns, gap: columnGap)
        let rows = max(1, perColumn)
        let entries = (0..<count).map { index -> Rect in
            let column = columnRects[min(columnRects.count - 1, index / rows)]
            return Rect(x: column.x, y: body.y + (index % rows) * option.rowsPerGPU,
                        width: column.width, height: option.rowsPerGPU)
        }
        return CompactArrangement(entries: entries, firstGPU: first, cellsPerRow: option.cells,
                                  summaryWidth: max(0, option.summary), note: note)
    }
}

/// The zoom view: one GPU's bars, in several columns when they do not fit one below the other.
public struct ZoomArrangement: Equatable, Sendable {
    public var title: Rect
    public var columns: [Rect]
    public var barsPerColumn: Int
    public var totals: Rect
    /// Experts shown (fewer than the GPU has only on a very small screen).
    public var shown: Int

    public static func arrange(in body: Rect, experts perGPU: Int, totalExperts: Int) -> ZoomArrangement {
        let (title, rest) = body.splitTop(1)
        let (area, totals) = rest.splitBottom(1)
        guard area.height > 0, perGPU > 0 else {
            return ZoomArrangement(title: title, columns: [], barsPerColumn: 0, totals: totals, shown: 0)
        }
        let minimum = PanelArrangement.minimumPanelWidth(experts: totalExperts)
        let needed = (perGPU + area.height - 1) / area.height
        let maxColumns = max(1, (area.width + PanelArrangement.panelGap) / (minimum + PanelArrangement.panelGap))
        let count = min(needed, maxColumns)
        let barsPerColumn = count == needed ? (perGPU + count - 1) / count : area.height
        let columns = area.columns(count, gap: PanelArrangement.panelGap)
            .map { Rect(x: $0.x, y: $0.y, width: $0.width, height: min($0.height, barsPerColumn)) }
        // The totals row sits right under the bars, not at the bottom of a tall body.
        let under = Rect(x: totals.x, y: min(totals.y, area.y + barsPerColumn), width: totals.width, height: 1)
        return ZoomArrangement(title: title, columns: columns, barsPerColumn: barsPerColumn, totals: under,
                               shown: min(perGPU, barsPerColumn * count))
    }
}
