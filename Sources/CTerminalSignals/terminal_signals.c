// Signal handlers for the terminal session and for crashes, with the state they share.
// Only async-signal-safe calls (write, tcsetattr, sigaction, raise, signal) run inside a handler.

#include "terminal_signals.h"

#include <pthread.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// MARK: - Emergency restore
//
// endwin() is not async-signal-safe, so a handler cannot call it. Instead the reset sequences,
// captured from terminfo while the screen is up, are written with write(2), and the tty modes from
// before newterm are put back with tcsetattr(3).

static char restore_bytes[512];
static volatile sig_atomic_t restore_length;
static volatile sig_atomic_t restore_fd = -1;
static struct termios saved_modes;
static volatile sig_atomic_t saved_modes_valid;

void ts_restore_save_modes(int fd) {
    saved_modes_valid = 0;
    restore_fd = fd;
    saved_modes_valid = tcgetattr(fd, &saved_modes) == 0;
}

void ts_restore_set_sequences(const char *bytes, size_t length) {
    restore_length = 0;
    if (length > sizeof restore_bytes - 1) length = sizeof restore_bytes - 1;
    memcpy(restore_bytes, bytes, length);
    restore_length = (sig_atomic_t)length;
}

void ts_restore_forget(void) {
    restore_length = 0;
    saved_modes_valid = 0;
}

/// Writes the reset bytes and a line feed, puts the saved modes back; runs once. True if a screen
/// was up (bytes had been set).
static int restore_emergency(void) {
    int fd = restore_fd;
    size_t length = (size_t)restore_length;
    restore_length = 0;
    if (fd < 0) return 0;
    size_t written = 0;
    while (written < length) {
        ssize_t n = write(fd, restore_bytes + written, length - written);
        if (n <= 0) break;
        written += (size_t)n;
    }
    if (length > 0) {
        const char line_feed = '\n';
        (void)write(fd, &line_feed, 1);
    }
    if (saved_modes_valid) tcsetattr(fd, TCSANOW, &saved_modes);
    saved_modes_valid = 0;
    return length > 0;
}

// MARK: - Terminating signals: the handler only sets a flag

#define TERMINATION_COUNT 4
static const int termination_signals[TERMINATION_COUNT] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction previous_termination[TERMINATION_COUNT];
static volatile sig_atomic_t pending_signal;

/// Records the first signal for the frame loop. A second one while the first is still pending
/// means the loop is stuck: restore and die now.
static void on_termination_signal(int signo) {
    if (pending_signal != 0) {
        restore_emergency();
        signal(signo, SIG_DFL);
        raise(signo);
        return;
    }
    pending_signal = signo;
}

void ts_termination_install(void) {
    pending_signal = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_termination_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < TERMINATION_COUNT; i++) {
        sigaction(termination_signals[i], &action, &previous_termination[i]);
    }
}

void ts_termination_uninstall(void) {
    for (int i = 0; i < TERMINATION_COUNT; i++) {
        sigaction(termination_signals[i], &previous_termination[i], NULL);
    }
}

int ts_termination_pending(void) {
    return (int)pending_signal;
}

void ts_signals_unblock(sigset_t *previous_mask) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < TERMINATION_COUNT; i++) sigaddset(&set, termination_signals[i]);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &set, previous_mask);
}

void ts_signals_restore_mask(const sigset_t *previous_mask) {
    pthread_sigmask(SIG_SETMASK, previous_mask, NULL);
}

// MARK: - Crashes

#define CRASH_COUNT 7
static const int crash_signals[CRASH_COUNT] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT };
static const char *const crash_names[CRASH_COUNT] = { "SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT", "SIGTRAP", "SIGQUIT" };
static struct sigaction previous_crash[CRASH_COUNT];
static volatile sig_atomic_t crash_installed;
static volatile sig_atomic_t chain_previous;

static int crash_index(int signo) {
    for (int i = 0; i < CRASH_COUNT; i++) {
        if (crash_signals[i] == signo) return i;
    }
    return -1;
}

/// Appends `text` to `line` at `*used`, within `capacity`.
static void append_text(char *line, size_t capacity, size_t *used, const char *text) {
    for (const char *p = text; *p != '\0' && *used < capacity; p++) line[(*used)++] = *p;
}

/// Appends a small non-negative number in decimal (snprintf is not async-signal-safe).
static void append_number(char *line, size_t capacity, size_t *used, int value) {
    char digits[12];
    int count = 0;
    unsigned int rest = value < 0 ? 0u : (unsigned int)value;
    do {
        digits[count++] = (char)('0' + rest % 10);
        rest /= 10;
    } while (rest > 0 && count < (int)sizeof digits);
    while (count > 0 && *used < capacity) line[(*used)++] = digits[--count];
}

/// "rectify: crashed (signal 11, SIGSEGV); terminal restored" (or "quit" for SIGQUIT) on stderr.
static void write_crash_line(int signo, int index, int restored) {
    char line[96];
    size_t used = 0;
    append_text(line, sizeof line, &used, signo == SIGQUIT ? "rectify: quit (signal " : "rectify: crashed (signal ");
    append_number(line, sizeof line, &used, signo);
    append_text(line, sizeof line, &used, ", ");
    append_text(line, sizeof line, &used, index >= 0 ? crash_names[index] : "?");
    append_text(line, sizeof line, &used, restored ? "); terminal restored\n" : ")\n");
    size_t written = 0;
    while (written < used) {
        ssize_t n = write(STDERR_FILENO, line + written, used - written);
        if (n <= 0) break;
        written += (size_t)n;
    }
}

/// Restores the terminal and says so, lets the previous handler report if allowed, then dies with
/// the default action: a signal sent by kill, raise or abort is raised again (it stays blocked
/// until this handler returns); a hardware fault re-executes the faulting instruction and dies.
/// Dying here matters: the runtime's reporter, handed a signal sent by kill, prints its report and
/// returns, and the process would run on.
static void on_crash_signal(int signo, siginfo_t *info, void *context) {
    int restored = restore_emergency();
    int index = crash_index(signo);
    write_crash_line(signo, index, restored);
    if (chain_previous && index >= 0) {
        struct sigaction *previous = &previous_crash[index];
        if (previous->sa_flags & SA_SIGINFO) {
            if (previous->sa_sigaction != NULL) previous->sa_sigaction(signo, info, context);
        } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN && previous->sa_handler != NULL) {
            previous->sa_handler(signo);
        }
    }
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signo, &fallback, NULL);
    if (info == NULL || info->si_code <= 0) raise(signo);
}

void ts_crash_install(int chain_to_previous) {
    chain_previous = chain_to_previous != 0;
    if (crash_installed) return;
    crash_installed = 1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_crash_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < CRASH_COUNT; i++) {
        sigaction(crash_signals[i], NULL, &previous_crash[i]);
        // A signal ignored from the start (SIGQUIT in a background job) stays ignored.
        if (!(previous_crash[i].sa_flags & SA_SIGINFO) && previous_crash[i].sa_handler == SIG_IGN) continue;
        sigaction(crash_signals[i], &action, NULL);
    }
}
