import TerminalCanvas

/// Where the fixed parts of each screen go, for a terminal of a given size. Pure arithmetic.
public enum ScreenLayout {
    /// Below this the dashboard shows "terminal too small" instead.
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    public static func fits(width: Int, height: Int) -> Bool {
        width >= minimumWidth && height >= minimumHeight
    }

    /// The main and zoom screens: header, body (GPU panels or the zoomed GPU), totals, sparklines, footer.
    public struct Main: Equatable, Sendable {
        public var header: Rect
        /// The headline strip and the tour's caption, under the header (empty when not shown).
        public var headline = Rect(x: 0, y: 0, width: 0, height: 0)
        public var caption = Rect(x: 0, y: 0, width: 0, height: 0)
        public var body: Rect
        public var totals: Rect
        public var sparklines: Rect
        public var footer: Rect
        /// Rows each sparkline series takes.
        public var seriesHeight: Int

        public var regions: [Rect] { [header, headline, caption, body, totals, sparklines, footer].filter { !$0.isEmpty } }

        /// The body's last row given to the totals table (for the previous segment's row).
        public func lendingBodyRow() -> Main {
            var next = self
            let (shorter, row) = body.splitBottom(1)
            next.body = shorter
            next.totals = Rect(x: totals.x, y: row.y, width: totals.width, height: totals.height + 1)
            return next
        }
    }

    public static let headerHeight = 2
    /// Headings and two rows; a fourth for the previous segment's totals when the body can spare it
    /// (see `Main.lendingBodyRow`) on a screen at least `previousTotalsMinimumHeight` tall.
    public static let totalsHeight = 3
    public static let previousTotalsMinimumHeight = 24

    public static func main(width: Int, height: Int) -> Main {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (header, afterHeader) = screen.splitTop(headerHeight)
        let (aboveFooter, footer) = afterHeader.splitBottom(1)
        let seriesHeight = height >= 40 ? 2 : 1
        let (aboveSparklines, sparklines) = aboveFooter.splitBottom(2 * seriesHeight)
        let (body, totals) = aboveSparklines.splitBottom(totalsHeight)
        return Main(header: header, body: body, totals: totals, sparklines: sparklines, footer: footer,
                    seriesHeight: seriesHeight)
    }

    /// Below this height the headline strip is one plain row instead of big figures.
    public static let bigHeadlineMinimumHeight = 24

    /// The main screen with the stage additions: the headline strip, the tour's caption, and in
    /// presenter mode no sparklines (and no totals table when the headline shows), so the bars get
    /// the rows.
    public static func main(width: Int, height: Int, headline: Bool, caption: Bool, presenting: Bool) -> Main {
        let base = main(width: width, height: height)
        guard headline || caption || presenting else { return base }
        let (header, afterHeader) = Rect(x: 0, y: 0, width: width, height: height).splitTop(headerHeight)
        let (aboveFooter, footer) = afterHeader.splitBottom(1)
        let (aboveSparklines, sparklines) = aboveFooter.splitBottom(presenting ? 0 : 2 * base.seriesHeight)
        let (aboveTotals, totals) = aboveSparklines.splitBottom(presenting && headline ? 0 : base.totals.height)
        var rest = aboveTotals
        var strip = Rect(x: 0, y: rest.y, width: width, height: 0)
        if headline { (strip, rest) = rest.splitTop(height >= bigHeadlineMinimumHeight ? Headline.bigHeight : Headline.plainHeight) }
        var captionRow = Rect(x: 0, y: rest.y, width: width, height: 0)
        if caption { (captionRow, rest) = rest.splitTop(1) }
        return Main(header: header, headline: strip, caption: captionRow, body: rest, totals: totals,
                    sparklines: sparklines, footer: footer, seriesHeight: base.seriesHeight)
    }

    /// The compare screen: header, one block per mode (four across, or two by two), the table of
    /// all six schemes (modes and baselines: cost and output error), footer.
    public struct Compare: Equatable, Sendable {
        public var header: Rect
        public var modes: [Rect]
        public var schemes: Rect
        public var footer: Rect

        public var regions: [Rect] { [header] + modes + [schemes, footer] }
    }

    /// Rows of the schemes table when there is room: a title row, nine figures and a note.
    public static let schemesHeight = 11

    /// Four columns need this many columns each, else the modes go two by two.
    public static let compareColumnWidth = 28

    public static func compare(width: Int, height: Int) -> Compare {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (header, afterHeader) = screen.splitTop(headerHeight)
        let (aboveFooter, footer) = afterHeader.splitBottom(1)
        let (body, schemes) = aboveFooter.splitBottom(min(schemesHeight, aboveFooter.height / 3))
        let modes: [Rect]
        if width >= 4 * compareColumnWidth + 3 {
            modes = body.columns(4, gap: 1)
        } else {
            let top = body.splitTop((body.height + 1) / 2)
            let upper = top.top.columns(2, gap: 1)
            let lower = top.rest.columns(2, gap: 1)
            modes = upper + lower
        }
        return Compare(header: header, modes: modes, schemes: schemes, footer: footer)
    }
}
