import TerminalCanvas

/// One line of the help overlay: the keys, what they do, and the footer hint if any.
///
/// The table of bindings is the only place keys are defined: `update` looks keys up in it, the
/// footer shows its hints and the help overlay lists it, so the three cannot disagree.
public struct KeyBinding: Hashable, Sendable {
    /// Each key and the action it triggers (a pair such as `+`/`-` shares one binding).
    public struct Choice: Hashable, Sendable {
        public let key: KeyEvent
        public let action: KeyAction
        public init(_ key: KeyEvent, _ action: KeyAction) {
            self.key = key
            self.action = action
        }
    }

    /// When the keys work.
    public enum Context: Hashable, Sendable {
        /// With or without the help overlay.
        case always
        /// Only while the help overlay is closed.
        case dashboard
        /// Only while the help overlay is open.
        case help
        /// Only while the sweep overlay is open (and the help closed); ahead of the same keys' dashboard bindings.
        case sweep
    }

    /// When the hint appears in the footer.
    public enum HintWhen: Hashable, Sendable {
        case always
        /// Only in compare or zoom.
        case awayFromMain
        /// Only in zoom.
        case zoomed
    }

    public enum Group: String, Hashable, Sendable, CaseIterable {
        case view = "View"
        case routing = "Routing (applies at the next batch)"
        case engine = "Engine"
        case gpu = "GPU selection and zoom"
        case stage = "On stage"
        case screen = "Screen"
    }

    public let choices: [Choice]
    /// The keys as the help overlay and footer print them, e.g. `+ -`.
    public let keyLabel: String
    /// The ASCII spelling of `keyLabel` (arrows as `<-`/`->`).
    public let asciiKeyLabel: String
    /// A word or two for the footer; `nil` keeps the binding out of the footer.
    public let hint: String?
    public let hintWhen: HintWhen
    /// Which hints stay when the footer is short: lower first. `?`, `q` and the view's own keys always stay.
    public let hintPriority: Int
    public let help: String
    public let group: Group
    public let context: Context

    public init(_ choices: [Choice], label: String, ascii: String? = nil, hint: String? = nil,
                hintWhen: HintWhen = .always, priority: Int = 100, help: String, group: Group,
                context: Context = .dashboard) {
        self.choices = choices
        self.keyLabel = label
        self.asciiKeyLabel = ascii ?? label
        self.hint = hint
        self.hintWhen = hintWhen
        self.hintPriority = priority
        self.help = help
        self.group = group
        self.context = context
    }

    public var keys: [KeyEvent] { choices.map(\.key) }

    public func action(for key: KeyEvent) -> KeyAction? {
        choices.first { $0.key == key }?.action
    }

    public func label(unicode: Bool) -> String { unicode ? keyLabel : asciiKeyLabel }
}
