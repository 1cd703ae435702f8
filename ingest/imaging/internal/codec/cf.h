// Shared declarations of the C side of package codec.
#ifndef CLINFUSE_CF_H
#define CLINFUSE_CF_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

// cf_info describes a decoded frame, or why decoding failed.
typedef struct {
	int width, height, components, precision, is_signed;
	int colour;      // 0 unstated, 1 YCbCr, 2 RGB (JPEG markers)
	int lossless;    // a lossless process
	int warnings;    // recoverable problems the library reported
	char msg[200];   // the library's message on failure (or first warning)
} cf_info;

// Each decoder writes at most cap interleaved samples to out and returns
// 0, or a non-zero code with info->msg set: 1 corrupt or unsupported
// stream, 2 more samples than cap.
int cf_jpeg_turbo(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
int cf_jpeg_ijg8(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
int cf_jpeg_ijg12(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
int cf_jpeg_ijg16(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
int cf_jpegls(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
int cf_j2k(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info);
const char *cf_openjpeg_version(void);

// cf_cells16 converts n little-endian 16-bit cells whose stored bits start
// at bit 0 (up = 16 - bits stored) to (float)(value * slope + icpt).
void cf_cells16(const uint8_t *src, float *dst, size_t n, unsigned up, int sgn, double slope,
                double icpt);

// cf_guard_enter turns library assertions on this thread into a longjmp to
// jump, with the reason in info->msg, until cf_guard_leave (guard.c).
void cf_guard_enter(jmp_buf *jump, cf_info *info);
void cf_guard_leave(void);

// cf_decode calls decoder which (CF_TURBO ... CF_J2K).
enum { CF_TURBO, CF_IJG8, CF_IJG12, CF_IJG16, CF_JPEGLS, CF_J2K };
int cf_decode(int which, const unsigned char *src, size_t n, int32_t *out, size_t cap,
              cf_info *info);

#endif
