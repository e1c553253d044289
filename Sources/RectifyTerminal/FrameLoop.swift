#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TerminalCanvas

/// The runner's loop: tick, draw a frame at the terminal's size, wait for keys until the next frame
/// is due. A key or a resize draws at once; keys already queued are handled before that frame.
struct FrameLoop {
    let program: any TerminalProgram
    let screen: CursesScreen
    let signals: TerminalSignals
    private let clock = ContinuousClock()

    init(program: any TerminalProgram, screen: CursesScreen, signals: TerminalSignals) {
        self.program = program
        self.screen = screen
        self.signals = signals
    }

    /// Keys taken in one go before drawing (a paste or key repeat).
    private static let queuedKeyLimit = 64
    /// Immediate returns from a waiting getch in a row that mean stdin is gone (it would spin).
    private static let spinLimit = 100

    /// Returns the exit status: 0 when the program quits, 128 + signo on a terminating signal.
    func run() -> Int32 {
        var immediateReturns = 0
        while true {
            if let signo = signals.pending { return 128 + signo }
            program.tick()
            drawFrame()
            let deadline = clock.now + frameInterval
            waiting: while true {
                if let signo = signals.pending { return 128 + signo }
                let remaining = deadline - clock.now
                guard remaining > .zero else { break waiting }
                let timeout = Self.milliseconds(remaining)
                let started = clock.now
                switch screen.readInput(timeoutMilliseconds: timeout) {
                case .none:
                    // Reads that keep returning at once although asked to wait: the terminal is gone
                    // (read gives EOF/EIO) and no SIGHUP came. Leave as if hung up instead of spinning.
                    if timeout >= 5, clock.now - started < .milliseconds(1) {
                        immediateReturns += 1
                        if immediateReturns >= Self.spinLimit { return 128 + SIGHUP }
                    } else {
                        immediateReturns = 0
                    }
                case .unmapped:
                    continue waiting
                case .resize:
                    break waiting
                case .key(let key):
                    guard deliver(key) else { return 0 }
                    guard takeQueuedKeys() else { return 0 }
                    break waiting
                }
            }
        }
    }

    private var frameInterval: Duration {
        .seconds(1) / max(1, min(1000, program.framesPerSecond))
    }

    private func drawFrame() {
        let (columns, rows) = screen.size
        var grid = CellGrid(width: columns, height: rows)
        program.render(into: &grid)
        screen.draw(grid)
    }

    /// Hands a key to the program; Ctrl+L also repaints the whole screen. False means quit.
    private func deliver(_ key: KeyEvent) -> Bool {
        let keepRunning = program.handle(key)
        if key == .control("l") { screen.requestFullRepaint() }
        return keepRunning
    }

    /// Handles keys that are already waiting, without blocking. False means quit.
    private func takeQueuedKeys() -> Bool {
        for _ in 0..<Self.queuedKeyLimit {
            switch screen.readInput(timeoutMilliseconds: 0) {
            case .key(let key):
                guard deliver(key) else { return false }
            case .unmapped:
                continue
            case .resize, .none:
                return true
            }
        }
        return true
    }

    /// A wait in whole milliseconds, rounded up, at least 1.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(1, total))
    }
}
