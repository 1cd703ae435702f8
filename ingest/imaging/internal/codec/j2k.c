//go:build cgo && !clinfuse_nocodecs

// JPEG 2000 (and High-Throughput JPEG 2000) through OpenJPEG.
#include <stdio.h>
#include <string.h>
#include <openjpeg.h>
#include "cf.h"

typedef struct {
	const unsigned char *data;
	OPJ_SIZE_T len, pos;
} cf_mem;

static OPJ_SIZE_T cf_mem_read(void *buf, OPJ_SIZE_T n, void *user) {
	cf_mem *m = (cf_mem *)user;
	if (m->pos >= m->len) {
		return (OPJ_SIZE_T)-1;
	}
	if (n > m->len - m->pos) {
		n = m->len - m->pos;
	}
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return n;
}

static OPJ_OFF_T cf_mem_skip(OPJ_OFF_T n, void *user) {
	cf_mem *m = (cf_mem *)user;
	if (n < 0 || (OPJ_SIZE_T)n > m->len - m->pos) {
		return -1;
	}
	m->pos += (OPJ_SIZE_T)n;
	return n;
}

static OPJ_BOOL cf_mem_seek(OPJ_OFF_T n, void *user) {
	cf_mem *m = (cf_mem *)user;
	if (n < 0 || (OPJ_SIZE_T)n > m->len) {
		return OPJ_FALSE;
	}
	m->pos = (OPJ_SIZE_T)n;
	return OPJ_TRUE;
}

static void cf_opj_error(const char *msg, void *user) {
	cf_info *info = (cf_info *)user;
	if (info->msg[0] == 0) {
		snprintf(info->msg, sizeof info->msg, "%s", msg);
		size_t k = strlen(info->msg);
		if (k > 0 && info->msg[k - 1] == '\n') info->msg[k - 1] = 0;
	}
}

static void cf_opj_quiet(const char *msg, void *user) { (void)msg; (void)user; }

static const unsigned char cf_jp2_sig[8] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};

// cf_j2k_copy checks the components and interleaves them.
static int cf_j2k_copy(opj_image_t *img, int32_t *out, size_t cap, cf_info *info) {
	OPJ_UINT32 nc = img->numcomps;
	opj_image_comp_t *c0 = &img->comps[0];
	info->width = (int)c0->w;
	info->height = (int)c0->h;
	info->components = (int)nc;
	info->precision = (int)c0->prec;
	info->is_signed = (int)c0->sgnd;
	for (OPJ_UINT32 k = 0; k < nc; k++) {
		opj_image_comp_t *c = &img->comps[k];
		if (c->w != c0->w || c->h != c0->h || c->dx != 1 || c->dy != 1 || c->data == NULL) {
			snprintf(info->msg, sizeof info->msg, "subsampled or missing component %u", k);
			return 1;
		}
	}
	size_t px = (size_t)c0->w * c0->h;
	if (px * nc > cap) {
		snprintf(info->msg, sizeof info->msg, "stream is %ux%u with %u components",
		         c0->h, c0->w, nc);
		return 2;
	}
	for (OPJ_UINT32 k = 0; k < nc; k++) {
		const OPJ_INT32 *d = img->comps[k].data;
		for (size_t i = 0; i < px; i++) {
			out[i * nc + k] = d[i];
		}
	}
	return 0;
}

// cf_j2k_too_big checks the header's image size before anything is
// allocated for it.
static int cf_j2k_too_big(const opj_image_t *img, size_t cap, cf_info *info) {
	size_t w = (size_t)(img->x1 - img->x0), h = (size_t)(img->y1 - img->y0);
	size_t nc = img->numcomps > 0 ? img->numcomps : 1;
	if (img->x1 < img->x0 || img->y1 < img->y0 || h == 0 ||
	    (w <= cap / h && w * h <= cap / nc)) {
		return 0;
	}
	snprintf(info->msg, sizeof info->msg, "stream is %zux%zu with %u components", h, w,
	         img->numcomps);
	return 1;
}

// cf_j2k_run decodes with the objects cf_j2k made; rc as cf_decode.
static int cf_j2k_run(opj_codec_t *codec, opj_stream_t *st, opj_image_t **img, int32_t *out,
                      size_t cap, cf_info *info) {
	opj_dparameters_t p;
	opj_set_default_decoder_parameters(&p);
	if (!opj_setup_decoder(codec, &p) || !opj_read_header(st, codec, img)) {
		return 1;
	}
	if (cf_j2k_too_big(*img, cap, info)) {
		return 2;
	}
	if (!opj_decode(codec, st, *img) || !opj_end_decompress(codec, st)) {
		return 1;
	}
	return cf_j2k_copy(*img, out, cap, info);
}

int cf_j2k(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info) {
	cf_mem mem = {src, n, 0};
	int jp2 = n >= 8 && memcmp(src, cf_jp2_sig, 8) == 0;
	opj_codec_t *volatile codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
	opj_stream_t *volatile st = opj_stream_create(1 << 16, OPJ_TRUE);
	// img is written by OpenJPEG through a pointer and read after a
	// possible longjmp, hence volatile.
	opj_image_t *volatile img = NULL;
	volatile int rc = 1;
	jmp_buf jump;
	opj_set_error_handler(codec, cf_opj_error, info);
	opj_set_warning_handler(codec, cf_opj_quiet, NULL);
	opj_set_info_handler(codec, cf_opj_quiet, NULL);
	opj_stream_set_user_data(st, &mem, NULL);
	opj_stream_set_user_data_length(st, n);
	opj_stream_set_read_function(st, cf_mem_read);
	opj_stream_set_skip_function(st, cf_mem_skip);
	opj_stream_set_seek_function(st, cf_mem_seek);
	if (setjmp(jump) == 0) {
		cf_guard_enter(&jump, info);
		rc = cf_j2k_run(codec, st, (opj_image_t **)&img, out, cap, info);
		cf_guard_leave();
	}
	if (rc == 1 && info->msg[0] == 0) {
		snprintf(info->msg, sizeof info->msg, "OpenJPEG could not decode the codestream");
	}
	if (img != NULL) opj_image_destroy(img);
	opj_stream_destroy(st);
	opj_destroy_codec(codec);
	return rc;
}

const char *cf_openjpeg_version(void) { return opj_version(); }

// cf_decode_guarded runs decoder which; cf_j2k guards itself so that it
// can free OpenJPEG's objects after a failed assertion.
static int cf_decode_guarded(int which, const unsigned char *src, size_t n, int32_t *out,
                             size_t cap, cf_info *info) {
	switch (which) {
	case CF_TURBO: return cf_jpeg_turbo(src, n, out, cap, info);
	case CF_IJG8: return cf_jpeg_ijg8(src, n, out, cap, info);
	case CF_IJG12: return cf_jpeg_ijg12(src, n, out, cap, info);
	case CF_IJG16: return cf_jpeg_ijg16(src, n, out, cap, info);
	case CF_JPEGLS: return cf_jpegls(src, n, out, cap, info);
	}
	snprintf(info->msg, sizeof info->msg, "no decoder %d", which);
	return 1;
}

int cf_decode(int which, const unsigned char *src, size_t n, int32_t *out, size_t cap,
              cf_info *info) {
	if (which == CF_J2K) {
		return cf_j2k(src, n, out, cap, info);
	}
	jmp_buf jump;
	if (setjmp(jump) != 0) {
		return 1;  // a library assertion; the guard wrote the message
	}
	cf_guard_enter(&jump, info);
	int rc = cf_decode_guarded(which, src, n, out, cap, info);
	cf_guard_leave();
	return rc;
}
