import RectifyEngine

/// What a key does, independent of which key it is.
public enum KeyAction: Hashable, Sendable {
    case selectMode(RectifyMode)
    case cycleMode
    /// Capacity factor change in ten-thousandths.
    case capacityFactor(Int)
    case topK(Int)
    case cycleDropPolicy
    /// Next (+1) or previous (-1) preset.
    case preset(Int)
    case togglePause
    case singleStep
    /// Faster (+1) or slower (-1) along the speed ladder.
    case speed(Int)
    case resetStatistics
    case toggleCompare
    case toggleZoom
    /// Open (and start) or close the capacity-factor sweep overlay.
    case toggleSweep
    /// Move the sweep overlay's cursor by this many capacity factors (stops at the ends).
    case sweepCursor(Int)
    /// Apply the factor under the sweep cursor (or the recommendation shown) and close the overlay.
    case applySweep
    /// In the sweep: show the recommended capacity factor and mode for the targets (Enter applies it).
    case recommend
    /// Move the GPU selection by this many GPUs (±1 wraps around, larger jumps stop at the ends).
    case selectGPU(Int)
    case firstGPU
    case lastGPU
    case scrollHelp(Int)
    /// Cycle the order GPU panels list experts in: index, load, overflow, padding.
    case cycleExpertSort
    /// Open the "jump to GPU" prompt (`g`, digits, Enter).
    case startGPUJump
    /// Save the screen (text and SVG) and the step's figures (JSON) to the snapshot folder.
    case saveSnapshot
    /// Switch to the next colour theme (dark, light) for the rest of the session.
    case cycleTheme
    case redraw
    /// Presenter mode on or off (`P`).
    case togglePresenter
    /// Start the guided tour, or go on to its next step (`t`).
    case advanceTour
    /// Vanilla's bars beside the mode shown's (`b`).
    case toggleBeforeAfter
    /// Show or hide the headline strip (`h`).
    case toggleHeadline
    case toggleHelp
    /// Esc: close the help, then the sweep, then zoom or compare; otherwise nothing.
    case back
    case quit
}
