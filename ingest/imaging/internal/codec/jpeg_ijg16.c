//go:build cgo && !clinfuse_nocodecs

// GDCM's IJG library built for 16-bit samples, with lossless processes.
#include <stdio.h>
#include "cf.h"
#include <gdcm-3.0/gdcmjpeg/16/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/16/jerror.h>
#define CF_NAME cf_jpeg_ijg16
#define CF_LOSSLESS 1
#include "ijg.h"
