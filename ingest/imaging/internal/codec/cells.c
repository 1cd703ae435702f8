//go:build cgo && !clinfuse_nocodecs

// Conversion of native 16-bit cells to physical values, written so that
// the C compiler vectorises it (GCC -O3, with an AVX2 clone chosen at run
// time where the processor has it).
#include <stdint.h>
#include <string.h>
#include "cf.h"

// O3 vectorises the loop; no contraction into fused multiply-adds, so that
// the values equal the Go path's (a product, then a sum, each rounded).
#pragma GCC optimize("O3", "fp-contract=off")

__attribute__((target_clones("avx2", "default")))
static void cf_cells16_le(const uint8_t *src, float *dst, size_t n, unsigned up, int sgn,
                          double slope, double icpt) {
	for (size_t i = 0; i < n; i++) {
		uint16_t c;
		memcpy(&c, src + 2 * i, 2);
		uint16_t top = (uint16_t)(c << up);
		int32_t v = sgn ? (int32_t)((int16_t)top >> up) : (int32_t)(top >> up);
		dst[i] = (float)((double)v * slope + icpt);
	}
}

void cf_cells16(const uint8_t *src, float *dst, size_t n, unsigned up, int sgn, double slope,
                double icpt) {
	cf_cells16_le(src, dst, n, up, sgn, slope, icpt);
}
