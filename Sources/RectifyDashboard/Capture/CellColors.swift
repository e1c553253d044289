import TerminalCanvas

/// The colours a saved or recorded frame uses for `CellColor`, and which colour a cell shows in
/// front and behind once reverse video is applied. Each theme has its own (`CellColors(theme)`), so
/// a snapshot of the light theme is light like the terminal it was made for.
struct CellColors: Sendable {
    /// Screen background and text for `.standard`.
    let background: String
    let foreground: String
    /// The fill of every colour but `.standard`.
    let named: [CellColor: String]

    /// A dark terminal: the dashboard's original snapshot colours.
    static let dark = CellColors(
        background: "#1c1c1c", foreground: "#d0d0d0",
        named: [.black: "#000000", .red: "#e05252", .green: "#5fbf5f", .yellow: "#e0c040",
                .blue: "#5f87d7", .magenta: "#c060c0", .cyan: "#40c0c0", .white: "#e8e8e8"])
    /// A white terminal, with the darker hues light terminal themes use so text stays readable.
    static let light = CellColors(
        background: "#ffffff", foreground: "#1c1c1c",
        named: [.black: "#000000", .red: "#c0262e", .green: "#2e8b2e", .yellow: "#9a7400",
                .blue: "#1f5fbf", .magenta: "#a030a0", .cyan: "#00838f", .white: "#f0f0f0"])

    init(background: String, foreground: String, named: [CellColor: String]) {
        self.background = background
        self.foreground = foreground
        self.named = named
    }

    init(_ theme: ThemeName) {
        switch theme {
        case .dark: self = .dark
        case .light: self = .light
        }
    }

    /// The SVG fill for a colour; `.standard` takes the default for its side.
    func hex(_ color: CellColor, foreground isForeground: Bool) -> String {
        named[color] ?? (isForeground ? foreground : background)
    }

    /// The fills of the character and the cell behind it, with reverse video swapped in.
    func fills(_ style: CellStyle) -> (text: String, cell: String) {
        let text = hex(style.foreground, foreground: true)
        let cell = hex(style.background, foreground: false)
        if style.reverse {
            return (style.background == .standard ? background : cell,
                    style.foreground == .standard ? foreground : text)
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
