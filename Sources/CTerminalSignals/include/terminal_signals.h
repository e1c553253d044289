// Signal handling for a full-screen terminal session: flag-only handlers for the terminating
// signals, and crash handlers that put the terminal back with async-signal-safe calls only.
//
// The handlers and their state live in terminal_signals.c, one copy per process. (In a header, as
// static functions, Swift emitted a copy of them and of their statics into every object file.)

#ifndef RECTIFY_TERMINAL_SIGNALS_H
#define RECTIFY_TERMINAL_SIGNALS_H

#include <signal.h>
#include <stddef.h>

// MARK: - Terminating signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT)

/// Installs handlers that only record the first signal's number (no SA_RESTART, so a waiting read
/// returns at once); a second one while the first is pending restores the terminal and dies with
/// the default action. Install before newterm, so ncurses leaves SIGINT and SIGTERM alone.
void ts_termination_install(void);

/// Puts back the handlers that were there before ts_termination_install.
void ts_termination_uninstall(void);

/// The recorded signal number, 0 if none arrived.
int ts_termination_pending(void);

/// Unblocks the terminating signals and SIGWINCH in the calling thread (a parent may have blocked
/// them); the previous mask goes to `previous_mask`.
void ts_signals_unblock(sigset_t *previous_mask);

/// Restores the mask saved by ts_signals_unblock.
void ts_signals_restore_mask(const sigset_t *previous_mask);

// MARK: - Emergency restore

/// Saves the tty modes of `fd` (cooked, echo) before curses changes them.
void ts_restore_save_modes(int fd);

/// Keeps a copy of the bytes that reset the terminal (colours, attributes, cursor, keypad,
/// alternate screen), written with write(2) if the process dies with the screen up. At most 511
/// bytes are kept.
void ts_restore_set_sequences(const char *bytes, size_t length);

/// Forgets the modes and bytes once endwin has restored the terminal properly.
void ts_restore_forget(void);

// MARK: - Crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) and SIGQUIT outside a session

/// Installs the crash handlers once per process (later calls only update `chain_to_previous`).
/// Each crash restores the terminal if a session armed it, writes one line to stderr
/// ("rectify: crashed (signal N, NAME)"), runs the handler that was there before (the Swift
/// runtime's crash reporter) only if `chain_to_previous`, then dies with the default action.
/// SIGQUIT gets the same handler; a terminal session replaces it with the flag handler meanwhile.
void ts_crash_install(int chain_to_previous);

#endif
