import Foundation
import RectifyDashboard
import RectifyEngine
import RectifyTerminal

/// `rectify dash` (and `rectify` alone): the live dashboard on a real terminal.
enum DashCommand {
    enum Keys {
        static let mode = OptionKey<RectifyMode>.choice("mode", "M", "Mode shown first: vanilla, ir, fr or ir+fr (default: the preset's). All four are routed.")
        static let fps = OptionKey<Int>.int("fps", "N", in: 1...60, "Frames drawn per second, 1-60 (default 10).")
        static let stepsPerSecond = OptionKey<Int>.int("steps-per-second", "N", in: 1...100_000, "Throttle the engine to N steps per second, 1-100000 (default: as fast as it can).")
        static let paused = FlagKey("paused", "Start paused after showing the first batch (space resumes, s steps once).")
        static let noColor = FlagKey("no-color", "Monochrome: each bar segment gets its own character (also NO_COLOR=1).")
        static let ascii = FlagKey("ascii", "ASCII glyphs only (chosen automatically when no UTF-8 locale, not even C.UTF-8, exists).")
        static let threads = OptionKey<Int>.int("threads", "N", in: 1...256, "Worker threads for the engine (default: all cores).")
        static let snapshotDir = OptionKey<String>.text("snapshot-dir", "DIR", "Folder the x key saves snapshots to (.txt, .svg, .json; default: the current folder).")
        static let record = OptionKey<String>.text("record", "FILE", "Record the session as an asciinema v2 cast (replay with 'asciinema play FILE').")
        static let theme = OptionKey<ThemeName>.choice("theme", "NAME", "Colour theme: dark (default) or light, for a light terminal background; L switches.")
        static let present = FlagKey("present", "Presenter mode: headline strip, big bars, 3 steps/s unless --steps-per-second (P toggles, t tours).")
        static let noMouse = FlagKey("no-mouse", "Leave the mouse to the terminal (its own text selection) instead of clicks and wheel.")
    }

    static let spec = CommandSpec(
        name: "dash",
        summary: "Live terminal dashboard: per-GPU expert load, overflow and padding, rectification tuned by keyboard.",
        usage: "rectify [dash] [--preset NAME|FILE] [--trace FILE.npy|DIR | --follow DIR] [--fps N] [--steps-per-second N] [options]",
        options: ScenarioOptions.declarations + [Keys.mode, Keys.fps, Keys.stepsPerSecond, Keys.paused, Keys.noColor,
                                                 Keys.ascii, Keys.theme, Keys.threads, Keys.snapshotDir, Keys.record, Keys.noMouse,
                                                 Keys.present, TuneCommand.Keys.maxLost, TuneCommand.Keys.maxPadding],
        notes: """
        Press ? in the dashboard for every key and the colour/glyph legend; q quits. With --trace the
        trace loops unless --no-loop is given. With --follow DIR the dashboard waits for the capture's first
        complete step (keys typed meanwhile are dropped; q quits), then routes each new step as it is
        written; the header shows the folder, the capture step, its lag and the steps skipped. A change
        of settings or preset starts new totals (the previous kept for comparison). Needs a terminal:
        for scripts use 'rectify run'.
        """, readsConfig: true)

    /// `dash`'s own options, read and checked; the workload options are read by `ScenarioOptions.resolve`.
    struct Settings {
        let fps: Int, throttle: Int?, threads: Int, mode: RectifyMode?, paused: Bool, follows: Bool
        let theme: ThemeName
        let terminal: TerminalOptions
        /// What `R` in the sweep recommends for.
        let targets: TuningTargets

        init(_ args: ParsedArguments) throws(CLIError) {
            fps = try args[Keys.fps] ?? 10
            throttle = try args[Keys.stepsPerSecond]
            threads = try args[Keys.threads] ?? ProcessInfo.processInfo.activeProcessorCount
            mode = try args[Keys.mode]
            paused = try args[Keys.paused]
            theme = try args[Keys.theme] ?? .dark
            terminal = TerminalOptions(noColor: try args[Keys.noColor], asciiOnly: try args[Keys.ascii],
                                       mouse: !(try args[Keys.noMouse]))
            follows = try args[ScenarioOptions.follow] != nil
            targets = try TuneCommand.targets(args)
        }
    }

    static func run(_ arguments: [String]) throws(CLIError) -> Int32 {
        guard let args = try spec.parseOptions(arguments) else {
            return StandardStreams.writeOutput(spec.help) ? 0 : 1
        }
        let settings = try Settings(args)
        let (fps, throttle, threads, mode, options) = (settings.fps, settings.throttle, settings.threads, settings.mode, settings.terminal)
        // Following may wait a long time for a first step: learn first that there is a terminal.
        let early = !settings.follows ? nil
            : Result { () throws(TerminalUnavailable) in try TerminalRunner.prepare(options: options) }
        if case .failure(let error)? = early {
            StandardStreams.writeError(error.message)
            return TerminalUnavailable.exitCode
        }
        let scenario: Scenario
        if early == nil {
            scenario = try ScenarioOptions.resolve(args, traceLoopDefault: true)
        } else {
            switch try DashFollowWait.resolve(args) {
            case .ready(let resolved): scenario = resolved
            case .ended(let status): return status
            }
        }
        try MemoryCheck.check(args, scenario: scenario, batchesHeld: Preset.dashboardBatchesHeld, hidden: true)
        var preset = scenario.preset
        if let mode { preset.mode = mode }
        // A trace or capture named by --trace or --follow was opened and checked while reading the
        // options: the engine takes it over. A preset's own trace is opened once here, before the
        // terminal is touched, so a bad one fails cleanly.
        let openedSource: SourceHandOff?
        if let source = scenario.openedSource {
            openedSource = SourceHandOff(source, for: preset)
        } else {
            openedSource = nil
            do { _ = try preset.makeSource(threads: 1) } catch { throw .invalid(error.description) }
        }

        let prepared: PreparedTerminal
        do throws(TerminalUnavailable) {
            if let early { prepared = try early.get() } else { prepared = try TerminalRunner.prepare(options: options) }
        } catch {
            StandardStreams.writeError(error.message)
            return TerminalUnavailable.exitCode
        }
        let display = DisplayOptions(unicode: prepared.tier.unicode, color: prepared.tier.color,
                                     braille: prepared.tier.unicode, theme: settings.theme)
        var dashboard = DashboardOptions(display: display, framesPerSecond: fps, stepsPerSecond: throttle,
                                         presets: loadablePresets(), startPaused: settings.paused, engineThreads: threads)
        dashboard.openedSource = openedSource
        dashboard.presenting = try args[Keys.present]
        dashboard.memoryBudget = try MemoryCheck.budget(args)
        dashboard.tuningTargets = settings.targets
        // Capture: the snapshot folder is checked when x is pressed (the status line says what is
        // wrong); the recording is created now, so a bad path fails before the terminal is taken.
        dashboard.snapshots = SnapshotSaver(directory: try args[Keys.snapshotDir] ?? ".")
        let record = try args[Keys.record]
        let recorder: CastRecorder?
        do throws(CaptureError) {
            recorder = try record.map { path throws(CaptureError) in
                try CastRecorder(path: path, term: prepared.terminal.name, timestamp: Int(Date().timeIntervalSince1970))
            }
        } catch {
            throw .invalid("--record: \(error)")
        }
        let program = DashboardProgram(preset: preset, options: dashboard)
        program.recorder = recorder
        do {
            return try TerminalRunner.run(program, prepared: prepared)
        } catch {
            StandardStreams.writeError(error.message)
            return TerminalUnavailable.exitCode
        }
    }

    /// The presets `n`/`p` cycle through: every one that loads, the built-in default first.
    static func loadablePresets() -> [Preset] {
        PresetCatalog.available().compactMap { listing in
            guard listing.problem == nil else { return nil }
            return try? PresetCatalog.load(listing.path ?? listing.name)
        }
    }
}
