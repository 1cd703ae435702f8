//go:build cgo && !clinfuse_nocodecs

// A guard against assertions inside the codec libraries. Debian builds
// OpenJPEG with assertions enabled, and its High-Throughput decoder (2.5.0)
// asserts on some corrupt code-blocks instead of returning an error, which
// would abort the whole process. This file defines __assert_fail, which the
// executable then provides in place of the C library's: while a decoder
// call is guarded on this thread, a failed assertion becomes a decoding
// error (the call returns through longjmp); otherwise it prints the
// message and aborts, as the C library does.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include "cf.h"

static __thread jmp_buf *cf_guard_jump;
static __thread cf_info *cf_guard_info;

void cf_guard_enter(jmp_buf *jump, cf_info *info) {
	cf_guard_jump = jump;
	cf_guard_info = info;
}

void cf_guard_leave(void) {
	cf_guard_jump = NULL;
	cf_guard_info = NULL;
}

__attribute__((noreturn)) void __assert_fail(const char *expr, const char *file,
                                             unsigned int line, const char *fn) {
	jmp_buf *jump = cf_guard_jump;
	if (jump != NULL) {
		snprintf(cf_guard_info->msg, sizeof cf_guard_info->msg,
		         "the decoder library failed its own check (%s:%u)", file, line);
		cf_guard_leave();
		longjmp(*jump, 1);
	}
	fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, fn, expr);
	abort();
}
