//go:build cgo && !clinfuse_nocodecs

// JPEG-LS through CharLS's C API.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <charls/charls.h>
#include "cf.h"

static int cf_jls_fail(charls_jpegls_decoder *d, void *buf, charls_jpegls_errc rc, cf_info *info) {
	snprintf(info->msg, sizeof info->msg, "%s", charls_get_error_message(rc));
	free(buf);
	charls_jpegls_decoder_destroy(d);
	return 1;
}

// cf_jls_copy widens decoded bytes into interleaved samples; planar data
// (interleave mode none) is interleaved on the way.
static void cf_jls_copy(const unsigned char *buf, const charls_frame_info *fi, int planar,
                        int32_t *out) {
	size_t px = (size_t)fi->width * fi->height;
	size_t nc = (size_t)fi->component_count;
	int wide = fi->bits_per_sample > 8;
	for (size_t i = 0; i < px * nc; i++) {
		int32_t v = wide ? (int32_t)(buf[2 * i] | buf[2 * i + 1] << 8) : (int32_t)buf[i];
		size_t dst = planar ? (i % px) * nc + i / px : i;
		out[dst] = v;
	}
}

int cf_jpegls(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info) {
	charls_jpegls_decoder *d = charls_jpegls_decoder_create();
	void *buf = NULL;
	if (d == NULL) {
		snprintf(info->msg, sizeof info->msg, "out of memory");
		return 1;
	}
	charls_jpegls_errc rc = charls_jpegls_decoder_set_source_buffer(d, src, n);
	if (rc == 0) rc = charls_jpegls_decoder_read_header(d);
	charls_frame_info fi;
	if (rc == 0) rc = charls_jpegls_decoder_get_frame_info(d, &fi);
	if (rc != 0) return cf_jls_fail(d, buf, rc, info);
	info->width = (int)fi.width;
	info->height = (int)fi.height;
	info->components = fi.component_count;
	info->precision = fi.bits_per_sample;
	int32_t near = 0;
	charls_interleave_mode mode = CHARLS_INTERLEAVE_MODE_NONE;
	rc = charls_jpegls_decoder_get_near_lossless(d, 0, &near);
	if (rc == 0) rc = charls_jpegls_decoder_get_interleave_mode(d, &mode);
	if (rc != 0) return cf_jls_fail(d, buf, rc, info);
	info->lossless = near == 0;
	if ((size_t)fi.width * fi.height * (size_t)fi.component_count > cap) {
		snprintf(info->msg, sizeof info->msg, "stream is %ux%u with %d components",
		         fi.height, fi.width, fi.component_count);
		charls_jpegls_decoder_destroy(d);
		return 2;
	}
	size_t size = 0;
	rc = charls_jpegls_decoder_get_destination_size(d, 0, &size);
	if (rc != 0) return cf_jls_fail(d, buf, rc, info);
	buf = malloc(size);
	if (buf == NULL) {
		snprintf(info->msg, sizeof info->msg, "out of memory");
		charls_jpegls_decoder_destroy(d);
		return 1;
	}
	rc = charls_jpegls_decoder_decode_to_buffer(d, buf, size, 0);
	if (rc != 0) return cf_jls_fail(d, buf, rc, info);
	cf_jls_copy(buf, &fi, mode == CHARLS_INTERLEAVE_MODE_NONE && fi.component_count > 1, out);
	free(buf);
	charls_jpegls_decoder_destroy(d);
	return 0;
}
