import Foundation
import RectifyEngine
import TerminalCanvas

/// Two rows: the requested settings (shown at once, marked `*` until the engine applies them at
/// its next batch), then the engine's step, state, rate and the latest message.
enum Header {
    static func draw(state: DashboardState, snapshot: EngineSnapshot, in rect: Rect, into grid: inout CellGrid,
                     theme: Theme) {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        grid.clear(rect)
        let config = state.config
        let applied = snapshot.config
        let presetPending = state.preset.name != snapshot.presetName
        let items: [(full: String, short: String, value: String, pending: Bool)] = [
            ("preset", "", TerminalText.sanitized(state.preset.name), presetPending),
            ("mode", "", state.mode.label, false),
            ("top-k", "k", String(config.topK), presetPending || config.topK != applied.topK),
            ("cf", "cf", config.capacityFactor.description, presetPending || config.capacityFactor != applied.capacityFactor),
            ("C/(GPU,expert)", "C", String(config.capacity), presetPending || config.capacity != applied.capacity),
            ("policy", "", config.dropPolicy.rawValue, presetPending || config.dropPolicy != applied.dropPolicy),
            ("GPUs x experts", "", "\(config.gpus)x\(config.experts)", presetPending),
        ]
        func length(_ short: Bool) -> Int {
            items.reduce("Rectify".count) { sum, item in
                let label = short ? item.short : item.full
                return sum + 2 + (label.isEmpty ? 0 : label.count + 1) + item.value.count + (item.pending ? 1 : 0)
            }
        }
        let short = length(false) > rect.width
        var column = grid.put("Rectify", in: rect, style: palette.title)
        for item in items {
            let label = short ? item.short : item.full
            // An item that does not fit is left out whole: a value cut mid-word would mislead.
            let width = (label.isEmpty ? 0 : label.count + 1) + item.value.count + (item.pending ? 1 : 0)
            guard column + 2 + width <= rect.width else { break }
            column += 2
            if !label.isEmpty { column = grid.put(label + " ", in: rect, column: column, style: palette.label) }
            column = grid.put(item.value + (item.pending ? "*" : ""), in: rect, column: column,
                              style: item.pending ? palette.pending : palette.value)
        }

        let row = 1
        column = grid.put("step ", in: rect, row: row, style: palette.label)
        column = grid.put(String(snapshot.step), in: rect, column: column, row: row, style: palette.value)
        if snapshot.rerouted {
            // Settings changed while paused: the same batch routed again, so the step did not move.
            column = grid.put(" re-routed", in: rect, column: column, row: row, style: palette.pending)
        }
        column += 2
        if snapshot.endOfTrace {
            column = grid.put(glyphs.stopped, in: rect, column: column, row: row, style: palette.error)
        } else if state.paused {
            column = grid.put(glyphs.paused, in: rect, column: column, row: row, style: palette.paused)
        } else {
            column = grid.put(glyphs.running, in: rect, column: column, row: row, style: palette.running)
        }
        column += 2
        let rate = state.paused ? glyphs.unknown : Format.rate(snapshot.stepsPerSecond, unknown: glyphs.unknown)
        column = grid.put(rate, in: rect, column: column, row: row, style: palette.value)
        column = grid.put(" steps/s", in: rect, column: column, row: row, style: palette.label)
        column = grid.put("  limit ", in: rect, column: column, row: row, style: palette.label)
        column = grid.put(SpeedLadder.label(state.throttle), in: rect, column: column, row: row,
                          style: state.throttle != snapshot.throttle ? palette.pending : palette.value)
        if let follow = snapshot.follow {
            column = drawFollow(follow, lag: snapshot.followLag, in: rect, column: column, row: row, into: &grid,
                                theme: theme)
        }
        let pending = presetPending || config != applied || snapshot.pendingChanges
        if pending {
            column = grid.put("  * applies at the next batch", in: rect, column: column, row: row, style: palette.pending)
        }
        if let typed = state.gpuJump {
            grid.put("  jump to GPU: \(typed)_ (Enter/Esc)", in: rect, column: column, row: row,
                     style: palette.notice)
        } else if let notice = state.notice {
            grid.put("  " + TerminalText.sanitized(notice), in: rect, column: column, row: row, style: palette.notice)
        } else if let message = snapshot.message {
            grid.put("  " + TerminalText.sanitized(message), in: rect, column: column, row: row, style: palette.error)
        }
    }

    /// `follow DIR layer L  step S  lag T  skipped N`, then the latest problem: which capture is
    /// being followed and how far behind its writer the figures are.
    private static func drawFollow(_ follow: FollowStatus, lag: Double?, in rect: Rect, column start: Int, row: Int,
                                   into grid: inout CellGrid, theme: Theme) -> Int {
        let (glyphs, palette) = (theme.glyphs, theme.palette)
        var column = start
        let items: [(String, String)] = [
            ("  follow ", "\(TerminalText.sanitized(follow.path)) L\(follow.layer)"),
            ("  step ", follow.lastStep.map(String.init) ?? glyphs.unknown),
            ("  lag ", Format.duration(lag, glyphs: glyphs)),
            ("  skipped ", String(follow.skipped)),
        ] + (follow.rejected > 0 ? [("  rejected ", String(follow.rejected))] : [])
        for (label, value) in items {
            column = grid.put(label, in: rect, column: column, row: row, style: palette.label)
            column = grid.put(value, in: rect, column: column, row: row, style: palette.value)
        }
        if var problem = follow.problem {
            // The folder is already on the line: name files relative to it.
            problem = problem.replacingOccurrences(of: follow.path + "/", with: "")
            column = grid.put("  " + TerminalText.sanitized(problem), in: rect, column: column, row: row, style: palette.error)
        }
        return column
    }
}
