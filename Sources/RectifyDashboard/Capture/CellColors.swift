import TerminalCanvas

/// The colours a saved or recorded frame uses for `CellColor`, and which colour a cell shows in
/// front and behind once reverse video is applied.
enum CellColors {
    /// Screen background and text for `.standard` (a dark terminal theme).
    static let defaultBackground = "#1c1c1c"
    static let defaultForeground = "#d0d0d0"

    /// The SVG fill for a colour; `.standard` takes the default for its side.
    static func hex(_ color: CellColor, foreground: Bool) -> String {
        switch color {
        case .standard: return foreground ? defaultForeground : defaultBackground
        case .black: return "#000000"
        case .red: return "#e05252"
        case .green: return "#5fbf5f"
        case .yellow: return "#e0c040"
        case .blue: return "#5f87d7"
        case .magenta: return "#c060c0"
        case .cyan: return "#40c0c0"
        case .white: return "#e8e8e8"
        }
    }

    /// The fills of the character and the cell behind it, with reverse video swapped in.
    static func fills(_ style: CellStyle) -> (text: String, cell: String) {
        let text = hex(style.foreground, foreground: true)
        let cell = hex(style.background, foreground: false)
        if style.reverse {
            return (style.background == .standard ? defaultBackground : cell,
                    style.foreground == .standard ? defaultForeground : text)
        }
        return (text, cell)
    }

    /// The ANSI SGR parameters of a style (colours 30-37/40-47, 39/49 for the terminal's own).
    static func sgr(_ style: CellStyle) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.reverse { codes.append("7") }
        codes.append(String(ansi(style.foreground, base: 30)))
        codes.append(String(ansi(style.background, base: 40)))
        return codes.joined(separator: ";")
    }

    private static func ansi(_ color: CellColor, base: Int) -> Int {
        switch color {
        case .standard: return base + 9
        case .black: return base
        case .red: return base + 1
        case .green: return base + 2
        case .yellow: return base + 3
        case .blue: return base + 4
        case .magenta: return base + 5
        case .cyan: return base + 6
        case .white: return base + 7
        }
    }
}
