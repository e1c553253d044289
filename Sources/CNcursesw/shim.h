// C shim between Swift and ncursesw.
//
// Swift can call plain ncurses functions directly. What it cannot reach are complex macros
// (attributes, getmaxyx, KEY_F), C globals (stdscr, COLORS, stdout), which Swift 6 strict
// concurrency rejects. Each wrapper below says which of those it covers. Signal handlers and their
// state are not here but in the CTerminalSignals target: a static function in a header is emitted,
// with its statics, into every object file that uses it.

#ifndef RECTIFY_CNCURSESW_SHIM_H
#define RECTIFY_CNCURSESW_SHIM_H

// The wide-character API (get_wch, cchar_t) is declared only with this set before curses.h, and
// SwiftPM's module build does not pass -D_XOPEN_SOURCE for us.
#define NCURSES_WIDECHAR 1

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
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

// MARK: - Mouse (the button masks are built from the NCURSES_MOUSE_MASK macro)

// Bits of rc_mouse_bits, the mouse reports the dashboard reacts to.
#define RC_MOUSE_CLICK 1
#define RC_MOUSE_DOUBLE_CLICK 2
#define RC_MOUSE_PRESS 4
#define RC_MOUSE_WHEEL_UP 8
#define RC_MOUSE_WHEEL_DOWN 16

/// The events asked for with mousemask: left clicks, double clicks and presses, the wheel.
static inline mmask_t rc_mouse_mask(void) {
    return BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}

/// A getmouse report's button state as RC_MOUSE_* bits.
static inline int rc_mouse_bits(mmask_t state) {
    int bits = 0;
    if (state & BUTTON1_CLICKED) bits |= RC_MOUSE_CLICK;
    if (state & BUTTON1_DOUBLE_CLICKED) bits |= RC_MOUSE_DOUBLE_CLICK;
    if (state & BUTTON1_PRESSED) bits |= RC_MOUSE_PRESS;
    if (state & BUTTON4_PRESSED) bits |= RC_MOUSE_WHEEL_UP;
    if (state & BUTTON5_PRESSED) bits |= RC_MOUSE_WHEEL_DOWN;
    return bits;
}

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

// MARK: - Reset sequences for the crash handler (see CTerminalSignals)

/// A terminfo string capability of the current terminal, NULL when absent or cancelled
/// (tigetstr returns (char *)-1 for a name that is not a string capability).
static inline const char *rc_terminfo_string(const char *name) {
    const char *value = tigetstr(name);
    return value == (const char *)-1 ? NULL : value;
}

#endif
