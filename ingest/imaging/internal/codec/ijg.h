// The body of a libjpeg decoder, included by one C file per library
// (libjpeg-turbo and GDCM's 8-, 12- and 16-bit IJG builds) after that
// library's jpeglib.h, with CF_NAME naming the function and CF_LOSSLESS
// telling whether the library knows lossless processes.
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	cf_info *info;
	int ended;  // warnings that the data ended before the image did
} cf_err;

static void cf_error_exit(j_common_ptr c) {
	cf_err *e = (cf_err *)c->err;
	(*c->err->format_message)(c, e->info->msg);
	longjmp(e->jump, 1);
}

static void cf_emit(j_common_ptr c, int level) {
	cf_err *e = (cf_err *)c->err;
	if (level >= 0) {
		return;
	}
	int code = c->err->msg_code;
	if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER) {
		e->ended++;
	}
	if (e->info->warnings++ == 0) {
		(*c->err->format_message)(c, e->info->msg);
	}
}

static void cf_noop_msg(j_common_ptr c) { (void)c; }

static void cf_init_source(j_decompress_ptr d) { (void)d; }

static const JOCTET cf_eoi[2] = {0xFF, JPEG_EOI};

// At the end of the data, feed an EOI marker so that the library stops;
// the warning counts as a premature end.
static boolean cf_fill_input(j_decompress_ptr d) {
	WARNMS(d, JWRN_JPEG_EOF);
	d->src->next_input_byte = cf_eoi;
	d->src->bytes_in_buffer = 2;
	return TRUE;
}

static void cf_skip_input(j_decompress_ptr d, long n) {
	struct jpeg_source_mgr *s = d->src;
	if (n <= 0) {
		return;
	}
	if ((size_t)n > s->bytes_in_buffer) {
		cf_fill_input(d);
		return;
	}
	s->next_input_byte += n;
	s->bytes_in_buffer -= (size_t)n;
}

static void cf_term_source(j_decompress_ptr d) { (void)d; }

static void cf_set_source(j_decompress_ptr d, struct jpeg_source_mgr *s,
                          const unsigned char *src, size_t n) {
	s->init_source = cf_init_source;
	s->fill_input_buffer = cf_fill_input;
	s->skip_input_data = cf_skip_input;
	s->resync_to_restart = jpeg_resync_to_restart;
	s->term_source = cf_term_source;
	s->next_input_byte = (const JOCTET *)src;
	s->bytes_in_buffer = n;
	d->src = s;
}

// cf_colour reads the stream's colour declaration.
static int cf_colour(j_decompress_ptr d) {
	if (d->saw_Adobe_marker) {
		return d->Adobe_transform == 0 ? 2 : 1;
	}
	return d->saw_JFIF_marker ? 1 : 0;
}

static int cf_read(j_decompress_ptr d, int32_t *out, size_t cap, cf_info *info,
                   const cf_err *e) {
	jpeg_read_header(d, TRUE);
	info->width = (int)d->image_width;
	info->height = (int)d->image_height;
	info->components = d->num_components;
	info->precision = d->data_precision;
	info->colour = cf_colour(d);
#if CF_LOSSLESS
	info->lossless = d->process == JPROC_LOSSLESS;
#endif
	// No colour conversion: the caller converts YCbCr itself.
	if (d->num_components != 1) {
		d->jpeg_color_space = JCS_UNKNOWN;
		d->out_color_space = JCS_UNKNOWN;
	}
	size_t w = (size_t)d->image_width * (size_t)d->num_components;
	if (w * (size_t)d->image_height > cap) {
		snprintf(info->msg, sizeof info->msg, "stream is %ux%u with %d components",
		         d->image_height, d->image_width, d->num_components);
		return 2;
	}
	jpeg_start_decompress(d);
	JSAMPARRAY row = (*d->mem->alloc_sarray)((j_common_ptr)d, JPOOL_IMAGE, (JDIMENSION)w, 1);
	while (d->output_scanline < d->output_height) {
		size_t y = d->output_scanline;
		if (jpeg_read_scanlines(d, row, 1) != 1) {
			break;
		}
		for (size_t x = 0; x < w; x++) {
			out[y * w + x] = (int32_t)row[0][x];
		}
	}
	if (e->ended > 0 || d->output_scanline < d->output_height) {
		snprintf(info->msg, sizeof info->msg,
		         "the stream ends before the image is complete (row %u of %u)",
		         d->output_scanline, d->output_height);
		return 1;
	}
	jpeg_finish_decompress(d);
	return 0;
}

int CF_NAME(const unsigned char *src, size_t n, int32_t *out, size_t cap, cf_info *info) {
	struct jpeg_decompress_struct d;
	struct jpeg_source_mgr s;
	cf_err e;
	memset(&d, 0, sizeof d);
	d.err = jpeg_std_error(&e.pub);
	e.pub.error_exit = cf_error_exit;
	e.pub.emit_message = cf_emit;
	e.pub.output_message = cf_noop_msg;
	e.info = info;
	e.ended = 0;
	if (setjmp(e.jump)) {
		jpeg_destroy_decompress(&d);
		return 1;
	}
	jpeg_create_decompress(&d);
	cf_set_source(&d, &s, src, n);
	int rc = cf_read(&d, out, cap, info, &e);
	jpeg_destroy_decompress(&d);
	return rc;
}
