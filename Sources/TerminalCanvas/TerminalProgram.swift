/// A key press as the dashboard understands it, independent of the terminal library.
public enum KeyEvent: Hashable, Sendable {
    case character(Character)
    /// Ctrl plus a letter, lower-case (`control("l")` is Ctrl+L).
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// A click or wheel turn, when the terminal reports the mouse.
    case mouse(MouseEvent)
}

/// What a full-screen program gives the terminal runner: a frame on demand, reactions to keys.
///
/// The runner owns the terminal and calls these on its one thread (ncurses is not thread-safe);
/// the program never touches the terminal itself, so it can be tested on a `CellGrid` alone.
public protocol TerminalProgram: AnyObject {
    /// Draws the whole frame into a grid of the terminal's current size.
    func render(into grid: inout CellGrid)
    /// Reacts to a key; returns `false` when the program wants to quit.
    func handle(_ key: KeyEvent) -> Bool
    /// Frames per second to draw at; the runner waits for keys in between.
    var framesPerSecond: Int { get }
    /// Called once per frame before `render`, to pick up new engine snapshots.
    func tick()
    /// Called once the terminal has been restored, whatever the reason for leaving.
    func didExit()
}
