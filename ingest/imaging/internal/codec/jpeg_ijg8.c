//go:build cgo && !clinfuse_nocodecs

// GDCM's IJG library built for 8-bit samples, with lossless processes.
#include <stdio.h>
#include "cf.h"
#include <gdcm-3.0/gdcmjpeg/8/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/8/jerror.h>
#define CF_NAME cf_jpeg_ijg8
#define CF_LOSSLESS 1
#include "ijg.h"
