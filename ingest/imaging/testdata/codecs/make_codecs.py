#!/usr/bin/python3
"""Make the compressed test files of TestCodecsAgainstDCMTK (run once; needs
Debian's python3-pydicom and dcmtk 3.6.7).

Three native images are written with pydicom from the formulas that the test
recomputes, then compressed by dcmtk's encoders, which share no code with
the decoders clinfuse uses (dcmtk bundles its own IJG and CharLS builds):

    grey12   64x48, 12 bits stored in 16, unsigned
    signed16 64x48, 16 bits, signed (-3000..3000)
    rgb8     32x24 RGB, 8 bits

    jpegll_sv1..7  grey12, JPEG lossless process 14, selection values 1-7
    jpegll_signed  signed16, JPEG lossless SV1
    jpegll_rgb     rgb8, JPEG lossless SV1
    jpeg_ext12     grey12, JPEG extended (process 4), 12-bit lossy
    jpeg_base_rgb  rgb8, JPEG baseline, YBR_FULL_422
    jls_grey12, jls_signed16, jls_rgb_line, jls_rgb_none, jls_rgb_sample
                   JPEG-LS lossless (CharLS in dcmtk), interleave modes
    jls_near2      grey12, JPEG-LS near-lossless, NEAR=2
    rle_signed16, rle_rgb8   RLE Lossless
"""
import os
import subprocess
import tempfile

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def grey12(x, y):
    return (x * 67 + y * 41 + (x * y) % 53) % 4096


def signed16(x, y):
    return (x * 97 - y * 89 + (x * y) % 101) % 6001 - 3000


def rgb8(x, y):
    return ((7 * x + y) % 256, (x * y) % 256, (200 - 3 * y) % 256)


def native(path, arr, bits_stored, signed, photometric="MONOCHROME2"):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns = arr.shape[0], arr.shape[1]
    ds.SamplesPerPixel = 3 if arr.ndim == 3 else 1
    ds.PhotometricInterpretation = photometric
    if arr.ndim == 3:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = 8 if arr.dtype == np.uint8 else 16
    ds.BitsStored, ds.HighBit = bits_stored, bits_stored - 1
    ds.PixelRepresentation = int(signed)
    ds.PixelData = arr.tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)


def image(f, w, h, dtype):
    return np.array([[f(x, y) for x in range(w)] for y in range(h)], dtype=dtype)


def run(*cmd):
    subprocess.run(cmd, check=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        src = {name: os.path.join(tmp, name + ".dcm") for name in ("g", "s", "c")}
        native(src["g"], image(grey12, 64, 48, "<u2"), 12, False)
        native(src["s"], image(signed16, 64, 48, "<i2"), 16, True)
        native(src["c"], image(rgb8, 32, 24, np.uint8), 8, False, "RGB")
        for sv in range(1, 8):
            run("dcmcjpeg", "+el", "+sv", str(sv), src["g"], f"jpegll_sv{sv}.dcm")
        run("dcmcjpeg", "+e1", src["s"], "jpegll_signed.dcm")
        run("dcmcjpeg", "+e1", src["c"], "jpegll_rgb.dcm")
        run("dcmcjpeg", "+ee", "+q", "95", src["g"], "jpeg_ext12.dcm")
        run("dcmcjpeg", "+eb", "+q", "95", src["c"], "jpeg_base_rgb.dcm")
        run("dcmcjpls", "+el", src["g"], "jls_grey12.dcm")
        run("dcmcjpls", "+el", src["s"], "jls_signed16.dcm")
        for mode, flag in (("line", "+il"), ("none", "+in"), ("sample", "+is")):
            run("dcmcjpls", "+el", flag, src["c"], f"jls_rgb_{mode}.dcm")
        run("dcmcjpls", "+en", src["g"], "jls_near2.dcm")
        run("dcmcrle", src["s"], "rle_signed16.dcm")
        run("dcmcrle", src["c"], "rle_rgb8.dcm")


if __name__ == "__main__":
    main()
