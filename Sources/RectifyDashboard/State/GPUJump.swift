import TerminalCanvas

/// `g` then digits then Enter: jump to a GPU by number, as in k9s or vim. While the number is
/// typed the status line shows it; Esc cancels, Backspace deletes a digit.
enum GPUJump {
    /// Digits kept at most (more than any cluster needs, few enough to stay on the status line).
    static let maximumDigits = 6

    /// What a key does while the number is being typed; `nil` means the prompt ends and the key
    /// acts as it would otherwise.
    static func handle(_ key: KeyEvent, typed: String, state: DashboardState) -> DashboardState? {
        var next = state
        next.notice = nil
        switch key {
        case .character(let character) where character.isASCII && character.isNumber:
            if typed.count < maximumDigits { next.gpuJump = typed + String(character) }
        case .backspace:
            next.gpuJump = String(typed.dropLast())
        case .escape:
            next.gpuJump = nil
        case .enter:
            next.gpuJump = nil
            let gpus = max(1, state.config.gpus)
            guard !typed.isEmpty else {
                next.notice = "no GPU number typed"
                break
            }
            if let gpu = Int(typed), gpu < gpus {
                next.selectedGPU = gpu
                next.zoomScroll = 0
            } else {
                next.notice = "no GPU \(typed): GPUs are 0 to \(gpus - 1)"
            }
        default:
            return nil
        }
        return next
    }
}
