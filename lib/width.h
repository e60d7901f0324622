/*
 * width.h - how many columns of a terminal a string takes.
 *
 * A character is 2 columns when Unicode's East Asian Width is W (wide) or
 * F (full-width): Chinese characters, full-width punctuation such as
 * （）：，, Hangul, kana, most emoji.  It is 0 for combining marks, which
 * sit on the character before them, and for control characters; 1 for
 * everything else, ambiguous characters included.  The table is a sorted
 * list of ranges searched by halves.  Nothing here allocates.
 *
 * Bytes that are not valid UTF-8 count as one column each (they show as
 * a replacement character).
 */
#ifndef EC_WIDTH_H
#define EC_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* The columns code point cp takes: 0, 1 or 2. */
int ec_cp_width(uint32_t cp);

/*
 * Decodes the character at s[0..n) (n > 0): stores it in *cp and returns
 * its length in bytes; an invalid byte is U+FFFD of length 1.
 */
size_t ec_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The columns s[0..n) takes. */
size_t ec_width(const char *s, size_t n);

#endif
