//go:build cgo && !clinfuse_nocodecs

// GDCM's IJG library built for 12-bit samples, with lossless processes.
#include <stdio.h>
#include "cf.h"
#include <gdcm-3.0/gdcmjpeg/12/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/12/jerror.h>
#define CF_NAME cf_jpeg_ijg12
#define CF_LOSSLESS 1
#include "ijg.h"
