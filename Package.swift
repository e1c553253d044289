// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Rectify",
    products: [
        .executable(name: "rectify", targets: ["rectify"]),
        .library(name: "RectifyEngine", targets: ["RectifyEngine"]),
    ],
    targets: [
        // ncursesw through a module map and a small shim for the macros and globals Swift cannot reach.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // Signal and crash handlers with their state, in C: only async-signal-safe code runs in a handler.
        .target(name: "CTerminalSignals"),
        // The routing engine: spec sections 1-7, workloads, presets. No terminal code.
        .target(name: "RectifyEngine"),
        // The cell grid, styles, rectangles, key events and the program protocol: what a full-screen
        // program and the terminal backend share, and nothing else (no engine, no ncurses).
        .target(name: "TerminalCanvas"),
        // Screen state, key handling, layout and widgets drawn into an in-memory cell grid.
        .target(name: "RectifyDashboard", dependencies: ["RectifyEngine", "TerminalCanvas"]),
        // The thin ncurses backend that puts a cell grid on a real terminal; knows no dashboard.
        .target(name: "RectifyTerminal", dependencies: ["CNcursesw", "CTerminalSignals", "TerminalCanvas"]),
        // Argument parsing and the headless and interactive commands.
        .target(name: "RectifyCLI", dependencies: ["RectifyEngine", "RectifyDashboard", "RectifyTerminal"]),
        .executableTarget(name: "rectify", dependencies: ["RectifyCLI"]),
        .testTarget(name: "RectifyEngineTests", dependencies: ["RectifyEngine"]),
        .testTarget(name: "RectifyCLITests", dependencies: ["RectifyCLI", "RectifyEngine"]),
        .testTarget(name: "RectifyDashboardTests", dependencies: ["RectifyDashboard", "RectifyEngine", "TerminalCanvas"]),
        .testTarget(name: "TerminalCanvasTests", dependencies: ["TerminalCanvas"]),
        .testTarget(name: "RectifyTerminalTests", dependencies: ["RectifyTerminal", "TerminalCanvas"]),
        .testTarget(name: "RectifyEndToEndTests", dependencies: ["RectifyEngine"]),
    ],
    swiftLanguageModes: [.v6]
)
