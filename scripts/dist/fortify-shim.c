/* Debian's libunwind.a (libunwind-22-dev) was compiled against glibc with _FORTIFY_SOURCE, so it
 * calls glibc's checked printf variants, which musl does not have. Its only use of them is to print
 * its own debug logs; forwarding to the unchecked functions is what glibc does minus the check.
 * Linked into the static musl probe only (scripts/dist/build). */
#include <stdarg.h>
#include <stdio.h>

int __vfprintf_chk(FILE *stream, int flag, const char *format, va_list ap) {
    (void)flag;
    return vfprintf(stream, format, ap);
}

int __fprintf_chk(FILE *stream, int flag, const char *format, ...) {
    va_list ap;
    int n;
    (void)flag;
    va_start(ap, format);
    n = vfprintf(stream, format, ap);
    va_end(ap);
    return n;
}
