import Dispatch
import Foundation
import Synchronization

/// Ctrl+C, SIGTERM and SIGHUP as a request to finish, for commands that run until told to stop
/// (`run --follow`): the loop notices, stops, and still prints everything it routed.
final class StopRequest {
    /// Shared with the handlers on the signal queue.
    private final class Flag: Sendable {
        let signal = Atomic<Int32>(0)
    }

    private let flag = Flag()
    private var sources: [any DispatchSourceSignal] = []
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Starts listening; the signals' default actions are off until `finish()`.
    init() {
        let queue = DispatchQueue(label: "rectify.stop-request")
        let registered = DispatchSemaphore(value: 0)
        for signo in Self.signals {
            Foundation.signal(signo, SIG_IGN)
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
        default: return "signal \(signo)"
        }
    }

    /// Stops listening and gives the signals their default actions back.
    func finish() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for signo in Self.signals { Foundation.signal(signo, SIG_DFL) }
    }
}
