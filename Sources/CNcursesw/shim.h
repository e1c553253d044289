// C shim between Swift and ncursesw.
//
// Swift can call plain ncurses functions directly. What it cannot reach are complex macros
// (attributes, getmaxyx, KEY_F), C globals (stdscr, COLORS, stdout), which Swift 6 strict
// concurrency rejects, and code that must run inside a signal handler. Each wrapper below says
// which of those it covers.
//
// Signal state: Swift emits header-defined (static) functions, and their statics, into every object
// file that uses them, and optimised builds inline across Swift files, so a static variable here is
// not one variable. The state therefore lives in a `struct rc_signal_state` that Swift allocates and
// passes to every function; only the handlers, which take no arguments, find it through a static
// pointer, set by the install function that references them (so emitted in the same object file).

#ifndef RECTIFY_CNCURSESW_SHIM_H
#define RECTIFY_CNCURSESW_SHIM_H

// The wide-character API (get_wch, cchar_t) is declared only with this set before curses.h, and
// SwiftPM's module build does not pass -D_XOPEN_SOURCE for us.
#define NCURSES_WIDECHAR 1

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>
// term.h comes last: it defines lower-case macros (lines, columns, bell, ...) that break other headers.
#include <term.h>

// glibc declares wcwidth only under _XOPEN_SOURCE, which the Glibc module is built without.
extern int wcwidth(wchar_t c);

// MARK: - Globals Swift 6 rejects as "not concurrency-safe"

/// `stdscr` is a mutable C global.
static inline WINDOW *rc_stdscr(void) { return stdscr; }

/// `COLORS` is a mutable C global, set by start_color.
static inline int rc_colors(void) { return COLORS; }

/// `COLOR_PAIRS` is a mutable C global, set by start_color.
static inline int rc_color_pairs(void) { return COLOR_PAIRS; }

/// newterm needs the `stdout`/`stdin` FILE globals; newterm returns NULL instead of exiting like initscr.
static inline SCREEN *rc_newterm(const char *type) { return newterm(type, stdout, stdin); }

// MARK: - Macros Swift cannot import

/// A_NORMAL is built from the NCURSES_BITS macro.
static inline attr_t rc_attr_normal(void) { return A_NORMAL; }

/// A_BOLD is built from the NCURSES_BITS macro.
static inline attr_t rc_attr_bold(void) { return A_BOLD; }

/// A_REVERSE is built from the NCURSES_BITS macro.
static inline attr_t rc_attr_reverse(void) { return A_REVERSE; }

/// A_DIM is built from the NCURSES_BITS macro.
static inline attr_t rc_attr_dim(void) { return A_DIM; }

/// wattr_set is a macro; this sets attributes and colour pair for the following output.
static inline int rc_set_style(WINDOW *win, attr_t attrs, int pair) {
    return wattr_set(win, attrs, (short)pair, NULL);
}

/// getmaxyx is a macro assigning to its arguments.
static inline void rc_getmaxyx(WINDOW *win, int *rows, int *cols) {
    int y, x;
    getmaxyx(win, y, x);
    *rows = y;
    *cols = x;
}

/// KEY_F(n) is a function-like macro.
static inline int rc_key_f(int n) { return KEY_F(n); }

/// wcwidth is hidden by glibc's feature macros (see the declaration above).
static inline int rc_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }

// MARK: - Locale

/// nl_langinfo(CODESET) names the character set of the current LC_CTYPE; true when it is UTF-8.
static inline int rc_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL) return 0;
    return strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0;
}

// MARK: - Terminal capability check (before anything is written)

// Results of rc_terminfo_check.
#define RC_TERMINFO_OK 0
#define RC_TERMINFO_UNKNOWN 1              // TERM is not in the database
#define RC_TERMINFO_NO_DATABASE 2          // no terminfo database at all
#define RC_TERMINFO_GENERIC 3              // a generic type such as dumb
#define RC_TERMINFO_NO_CURSOR_ADDRESSING 4 // no cup: cannot place text
#define RC_TERMINFO_HARDCOPY 5             // a printing terminal

/// True when a terminfo string capability is present (tigetstr returns NULL or (char *)-1 otherwise).
static inline int rc_has_string_capability(const char *name) {
    const char *value = tigetstr(name);
    return value != NULL && value != (const char *)-1;
}

/// Looks TERM up with setupterm (which writes nothing), checks it can address the cursor, reports
/// whether it has colours the way has_colors() decides, then frees the entry so newterm starts clean.
static inline int rc_terminfo_check(const char *type, int fd, int *has_colors_out) {
    TERMINAL *previous = cur_term;
    int error = 0;
    *has_colors_out = 0;
    if (setupterm(type, fd, &error) != OK) {
        return error == -1 ? RC_TERMINFO_NO_DATABASE : RC_TERMINFO_UNKNOWN;
    }
    int result = RC_TERMINFO_OK;
    if (tigetflag("hc") > 0) {
        result = RC_TERMINFO_HARDCOPY;
    } else if (tigetflag("gn") > 0) {
        result = RC_TERMINFO_GENERIC;
    } else if (!rc_has_string_capability("cup")) {
        result = RC_TERMINFO_NO_CURSOR_ADDRESSING;
    }
    int has_color_strings = (rc_has_string_capability("setaf") && rc_has_string_capability("setab"))
        || (rc_has_string_capability("setf") && rc_has_string_capability("setb"))
        || rc_has_string_capability("scp");
    *has_colors_out = tigetnum("colors") > 0 && tigetnum("pairs") > 0 && has_color_strings;
    TERMINAL *checked = set_curterm(previous);
    if (checked != NULL && checked != previous) del_curterm(checked);
    return result;
}

// MARK: - Signal state

/// Shared by the runner and its signal handlers. Allocate it zeroed and keep it alive for good.
struct rc_signal_state {
    volatile sig_atomic_t pending_signal;       // first terminating signal seen, 0 if none
    struct sigaction previous_termination[3];   // handlers before rc_signals_install
    struct sigaction previous_crash[6];         // handlers before rc_crash_install
    char restore_bytes[512];                    // reset sequences for the crash handler
    volatile sig_atomic_t restore_length;
    volatile sig_atomic_t restore_fd_set;
    int restore_fd;
    struct termios saved_modes;                 // tty modes from before newterm
    volatile sig_atomic_t saved_modes_valid;
};

static const int rc_termination_signals[3] = { SIGINT, SIGTERM, SIGHUP };
static const int rc_crash_signals[6] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };

// MARK: - Emergency restore
//
// endwin() is not async-signal-safe, so a crash handler cannot call it. Instead the reset sequences
// (orig pair, sgr0, cnorm, rmkx, rmcup) are copied from terminfo while the screen is up, together
// with the tty modes from before newterm, and the handler writes them with write(2) and restores the
// modes with tcsetattr(3), both async-signal-safe.

/// Saves the tty modes (cooked, echo) from before curses changes them.
static inline void rc_restore_save_modes(struct rc_signal_state *state, int fd) {
    state->saved_modes_valid = tcgetattr(fd, &state->saved_modes) == 0;
    state->restore_fd = fd;
    state->restore_fd_set = 1;
}

/// Appends one capability to the restore bytes, dropping $<n> padding (delays are irrelevant here).
static inline void rc_restore_append(struct rc_signal_state *state, const char *name) {
    const char *value = tigetstr(name);
    if (value == NULL || value == (const char *)-1) return;
    size_t length = (size_t)state->restore_length;
    for (const char *p = value; *p != '\0'; p++) {
        if (p[0] == '$' && p[1] == '<') {
            const char *close = strchr(p, '>');
            if (close != NULL) { p = close; continue; }
        }
        if (length + 1 >= sizeof state->restore_bytes) break;
        state->restore_bytes[length++] = *p;
    }
    state->restore_length = (sig_atomic_t)length;
}

/// Captures the reset sequences of the terminal newterm just set up (tigetstr needs a terminal
/// and is not async-signal-safe, so this cannot wait for the crash).
static inline void rc_restore_capture(struct rc_signal_state *state) {
    state->restore_length = 0;
    rc_restore_append(state, "op");
    rc_restore_append(state, "sgr0");
    rc_restore_append(state, "cnorm");
    rc_restore_append(state, "rmkx");
    rc_restore_append(state, "rmcup");
}

/// Forgets the captured state once endwin has restored the terminal properly.
static inline void rc_restore_forget(struct rc_signal_state *state) {
    state->restore_length = 0;
    state->saved_modes_valid = 0;
}

/// Async-signal-safe restore: reset sequences with write(2), then the saved modes. Runs once.
static inline void rc_restore_emergency(struct rc_signal_state *state) {
    if (state == NULL || !state->restore_fd_set) return;
    int fd = state->restore_fd;
    size_t length = (size_t)state->restore_length;
    size_t written = 0;
    while (written < length) {
        ssize_t n = write(fd, state->restore_bytes + written, length - written);
        if (n <= 0) break;
        written += (size_t)n;
    }
    if (length > 0) {
        const char line_feed = '\n';
        (void)write(fd, &line_feed, 1);
    }
    if (state->saved_modes_valid) tcsetattr(fd, TCSANOW, &state->saved_modes);
    state->restore_length = 0;
    state->saved_modes_valid = 0;
}

// MARK: - Terminating signals: the handler only sets a flag

/// Where this object file's handlers find the state (see the note at the top of this header).
static inline struct rc_signal_state *volatile *rc_termination_state_slot(void) {
    static struct rc_signal_state *volatile slot = NULL;
    return &slot;
}

/// A terminating signal only records its number; the runner polls it, restores and returns.
/// A second one while the first is still pending means the loop is stuck: restore and die now.
static void rc_on_termination_signal(int signo) {
    struct rc_signal_state *state = *rc_termination_state_slot();
    if (state == NULL) return;
    if (state->pending_signal != 0) {
        rc_restore_emergency(state);
        signal(signo, SIG_DFL);
        raise(signo);
        return;
    }
    state->pending_signal = signo;
}

/// Installs the flag-setting handlers (no SA_RESTART, so a waiting getch returns at once).
/// Done before newterm so ncurses sees non-default handlers and leaves SIGINT/SIGTERM alone.
static inline void rc_signals_install(struct rc_signal_state *state) {
    state->pending_signal = 0;
    *rc_termination_state_slot() = state;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rc_on_termination_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 3; i++) {
        sigaction(rc_termination_signals[i], &action, &state->previous_termination[i]);
    }
}

/// Puts back whatever handled SIGINT/SIGTERM/SIGHUP before rc_signals_install.
static inline void rc_signals_uninstall(struct rc_signal_state *state) {
    for (int i = 0; i < 3; i++) {
        sigaction(rc_termination_signals[i], &state->previous_termination[i], NULL);
    }
}

/// The signal number recorded by the handler, 0 if none arrived (a volatile read).
static inline int rc_signals_pending(const struct rc_signal_state *state) {
    return (int)state->pending_signal;
}

/// Unblocks the signals the runner relies on in the calling thread (a parent may have blocked them).
static inline void rc_signals_unblock(sigset_t *previous_mask) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &set, previous_mask);
}

/// Restores the thread's signal mask saved by rc_signals_unblock.
static inline void rc_signals_restore_mask(const sigset_t *previous_mask) {
    pthread_sigmask(SIG_SETMASK, previous_mask, NULL);
}

// MARK: - Crash signals: restore, then let the previous handler run

/// Where this object file's crash handler finds the state.
static inline struct rc_signal_state *volatile *rc_crash_state_slot(void) {
    static struct rc_signal_state *volatile slot = NULL;
    return &slot;
}

/// Restores the terminal, puts the previous handler back (Swift's backtracer or the default) and
/// lets it run: a signal sent by kill/abort is raised again; for a hardware fault, returning
/// re-executes the faulting instruction, which now reaches the previous handler.
static void rc_on_crash_signal(int signo, siginfo_t *info, void *context) {
    (void)context;
    struct rc_signal_state *state = *rc_crash_state_slot();
    rc_restore_emergency(state);
    for (int i = 0; i < 6; i++) {
        if (rc_crash_signals[i] != signo) continue;
        if (state != NULL) {
            sigaction(signo, &state->previous_crash[i], NULL);
        } else {
            signal(signo, SIG_DFL);
        }
    }
    if (info == NULL || info->si_code <= 0) raise(signo);
}

/// Installs the crash handlers, remembering the previous ones.
static inline void rc_crash_install(struct rc_signal_state *state) {
    *rc_crash_state_slot() = state;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = rc_on_crash_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 6; i++) {
        sigaction(rc_crash_signals[i], &action, &state->previous_crash[i]);
    }
}

/// Puts the previous crash handlers back.
static inline void rc_crash_uninstall(struct rc_signal_state *state) {
    for (int i = 0; i < 6; i++) {
        sigaction(rc_crash_signals[i], &state->previous_crash[i], NULL);
    }
}

#endif
