import Dispatch
import Foundation
import Synchronization

/// Ctrl+C, SIGTERM, SIGHUP and SIGQUIT (Ctrl+\\) as a request to finish, for commands that run until
/// told to stop (`run --follow`): the loop notices, stops, and still prints everything it routed.
/// SIGQUIT is one of them so that it ends the run like the others instead of going to the crash
/// handler, which would print a backtrace and lose the report.
final class StopRequest {
    /// Shared with the handlers on the signal queue.
    private final class Flag: Sendable {
        let signal = Atomic<Int32>(0)
    }

    private let flag = Flag()
    private var sources: [any DispatchSourceSignal] = []
    /// The actions the signals had before (SIGQUIT's is the crash handler), put back by `finish()`.
    private var previousActions: [Int32: sigaction] = [:]
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Starts listening; the signals' previous actions are off until `finish()`.
    init() {
        let queue = DispatchQueue(label: "rectify.stop-request")
        let registered = DispatchSemaphore(value: 0)
        for signo in Self.signals {
            var ignore = sigaction()
            #if canImport(Glibc)
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            #else
            ignore.__sigaction_u.__sa_handler = SIG_IGN
            #endif
            var previous = sigaction()
            sigaction(signo, &ignore, &previous)
            previousActions[signo] = previous
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [flag] in
                _ = flag.signal.compareExchange(expected: 0, desired: signo, ordering: .relaxed)
            }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            sources.append(source)
        }
        // resume() registers a source later, on libdispatch's manager thread; until then the
        // signal is SIG_IGN and lost. Return once all are live.
        for _ in Self.signals { registered.wait() }
    }

    /// Asked at each look of a wait besides the signals: a key typed to quit (`q` in `dash --follow`).
    var keyStop: (() -> Bool)?

    /// A key asked to stop (see `keyStop`).
    var keyRequested: Bool { keyStop?() ?? false }

    /// The signal that asked to stop, if one has.
    var received: Int32? {
        let signo = flag.signal.load(ordering: .relaxed)
        return signo == 0 ? nil : signo
    }

    static func name(_ signo: Int32) -> String {
        switch signo {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(signo)"
        }
    }

    /// Stops listening and gives the signals their previous actions back.
    func finish() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for (signo, action) in previousActions {
            var previous = action
            sigaction(signo, &previous, nil)
        }
        previousActions.removeAll()
    }
}
