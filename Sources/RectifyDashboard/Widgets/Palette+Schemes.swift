import RectifyEngine
import TerminalCanvas

extension Palette {
    /// The style a scheme is drawn in, from its row of the scheme table.
    func style(_ scheme: RoutingScheme) -> CellStyle {
        switch scheme.style.role {
        case .overflow: return overflow
        case .irWork: return irWork
        case .filled: return filled
        case .highlight: return seriesCurrent
        case .reference: return seriesBaseline
        case .padding: return paddingNumber
        }
    }
}
