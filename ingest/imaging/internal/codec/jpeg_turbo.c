//go:build cgo && !clinfuse_nocodecs

// libjpeg-turbo, 8-bit lossy processes.
#include <stdio.h>
#include "cf.h"
#include <jpeglib.h>
#include <jerror.h>
#define CF_NAME cf_jpeg_turbo
#define CF_LOSSLESS 0
#include "ijg.h"
