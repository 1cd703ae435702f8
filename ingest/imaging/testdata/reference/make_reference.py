#!/usr/bin/python3
"""Compute the reference table that ingest/imaging's acceptance test checks.

Run once with Debian's tools (Debian 12: python3-pydicom 2.3.1,
python3-gdcm 3.0.21, python3-numpy, dcmtk 3.6.7):

    /usr/bin/python3 make_reference.py /path/to/shared/data > reference.tsv

For every file under dicom/ and bugs/ of the shared data it decodes the
pixel data twice, independently of clinfuse:

  pydicom  pydicom 2.3.1 with only its numpy, RLE and GDCM handlers (the
           Pillow handler is disabled: it turns streams without a JPEG frame
           header into invented pixels);
  dcmtk    dcmtk 3.6.7 decompresses (dcmdjpeg, dcmdjpls, dcmdrle) or
           re-encodes (dcmconv) to explicit VR little endian, and the native
           result is read with pydicom's numpy handler (no codec involved).

Both routes then apply the same documented post-processing: YBR_FULL and
YBR_FULL_422 samples that are still YBR are converted to RGB with
pydicom's convert_color_space; palette colour is expanded with
apply_color_lut; monochrome samples go through the Modality LUT or Rescale
Slope/Intercept (apply_modality_lut), or, in enhanced objects, the Pixel
Value Transformation Sequence of each frame's functional groups. Samples
are reduced to Bits Stored (two's complement when Pixel Representation is
1) before that, as the standard defines stored values.

A file counts as decoded when either route decodes it. When both do, their
statistics are compared (lossless: equal; lossy: means within 1%) and the
"agree" column says so. The chosen reference is the pydicom route when it
succeeded with the right number of frames, else the dcmtk route.

Output columns: path, status (ok or rejected), by (pydicom, dcmtk or
both), agree, lossy, rows, columns, frames, samples, photometric (as
written in the file), transfer_syntax, min, max, mean, note.
"""

import math
import os
import subprocess
import sys
import tempfile
import warnings

import gdcm
import numpy as np
import pydicom
from pydicom import config
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import (apply_color_lut, apply_modality_lut,
                                              convert_color_space)

warnings.filterwarnings("ignore")
config.pixel_data_handlers = [numpy_handler, rle_handler, gdcm_handler]

LOSSY = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.81",
         "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.203"}
JPEG = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
        "1.2.840.10008.1.2.4.70"}
JPEGLS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}
RLE = "1.2.840.10008.1.2.5"
KEEP = []


def read(path):
    """Read a dataset; files without preamble need force."""
    try:
        return pydicom.dcmread(path)
    except pydicom.errors.InvalidDicomError:
        return pydicom.dcmread(path, force=True)


def syntax_of(ds):
    ts = ds.file_meta.get("TransferSyntaxUID")
    if ts:
        return str(ts)
    if ds.is_little_endian and ds.is_implicit_VR:
        return "1.2.840.10008.1.2"
    return "1.2.840.10008.1.2.1" if ds.is_little_endian else "1.2.840.10008.1.2.2"


def frames_of(ds):
    return int(str(ds.get("NumberOfFrames", 1) or 1))


def shaped(arr, ds):
    """Shape an array as (frames, rows, columns, samples)."""
    n, r, c, s = frames_of(ds), ds.Rows, ds.Columns, int(ds.get("SamplesPerPixel", 1))
    return arr.reshape(n, r, c, s)


def stored(arr, ds, pixrep):
    """Reduce samples to Bits Stored, two's complement when signed."""
    bits = int(ds.get("BitsStored", ds.BitsAllocated))
    if bits >= 32:
        return arr.astype(np.int64)
    a = arr.astype(np.int64) & ((1 << bits) - 1)
    if pixrep == 1:
        a = np.where(a >= 1 << (bits - 1), a - (1 << bits), a)
    return a


def group_rescale(ds, i):
    """Slope and intercept of frame i from enhanced functional groups."""
    for name in ("PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence"):
        seq = ds.get(name)
        if not seq:
            continue
        item = seq[i] if name.startswith("PerFrame") and i < len(seq) else seq[0]
        pvt = item.get("PixelValueTransformationSequence")
        if pvt:
            it = pvt[0]
            return float(it.get("RescaleSlope", 1)), float(it.get("RescaleIntercept", 0))
    return None


def physical(arr, ds, photometric, pixrep):
    """Apply colour conversion, palette or modality transform."""
    arr = stored(arr, ds, pixrep)
    if photometric in ("YBR_FULL", "YBR_FULL_422"):
        arr = convert_color_space(arr.astype(np.uint8), photometric, "RGB",
                                  per_frame=True).astype(np.int64)
    if photometric == "PALETTE COLOR":
        return apply_color_lut(arr[..., 0], ds).astype(np.float64)
    if arr.shape[-1] != 1:
        return arr.astype(np.float64)
    out = np.empty(arr.shape, dtype=np.float64)
    for i in range(arr.shape[0]):
        gr = group_rescale(ds, i)
        if gr:
            out[i] = arr[i].astype(np.float64) * gr[0] + gr[1]
        else:
            out[i] = np.asarray(apply_modality_lut(arr[i], ds), dtype=np.float64)
    return out


def stats(arr):
    return float(arr.min()), float(arr.max()), float(np.mean(arr, dtype=np.float64))


def gdcm_check(ds):
    """Decode with GDCM the way pydicom's handler does, but fail when GDCM
    reports failure: pydicom 2.3.1 ignores it and returns whatever memory
    GDCM's buffer holds. pydicom passes one fragment per frame to GDCM for
    multi-frame data, so files with more fragments than frames are left to
    the dcmtk route."""
    ts = ds.file_meta.TransferSyntaxUID
    if not ts.is_compressed or ts == RLE:
        return
    if frames_of(ds) > 1:
        fp = pydicom.filebase.DicomBytesIO(ds.PixelData)
        fp.is_little_endian = True
        nfrag = sum(1 for _ in pydicom.encaps.generate_pixel_data_fragment(fp))
        if nfrag != frames_of(ds):
            raise ValueError("pydicom 2.3.1 maps one fragment per frame; "
                             f"{nfrag} fragments for {frames_of(ds)} frames")
    element = gdcm_handler.create_data_element(ds)
    image = gdcm_handler.create_image(ds, element)
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.ImplicitVRLittleEndian))
    change.SetInput(image)
    ok = change.Change()
    # GDCM's Python objects must outlive this call (their destructors
    # assert on reference counts); the script is short-lived.
    KEEP.append((element, image, change))
    if not ok:
        raise ValueError("GDCM could not decode the pixel data")


def by_pydicom(path):
    ds = read(path)
    if "PixelData" not in ds:
        raise ValueError("no pixel data")
    ds.file_meta.TransferSyntaxUID = syntax_of(ds)
    # Decoding may change the dataset (pydicom's J2K correction resets
    # Pixel Representation); read what the file says first.
    pixrep, pi = int(ds.get("PixelRepresentation", 0)), ds.PhotometricInterpretation
    gdcm_check(ds)
    arr = shaped(ds.pixel_array, ds)
    # GDCM leaves JPEG colour as stored; the photometric interpretation
    # says what that is.
    return arr.shape, stats(physical(arr, ds, pi, pixrep))


def dcmtk_native(path, ts, out):
    if ts in JPEG:
        cmd = ["dcmdjpeg", path, out]
    elif ts in JPEGLS:
        cmd = ["dcmdjpls", path, out]
    elif ts == RLE:
        cmd = ["dcmdrle", path, out]
    else:
        cmd = ["dcmconv", "+te", path, out]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(" ".join(r.stderr.split())[:120])


def dcmtk_syntax(path):
    """The transfer syntax as dcmtk reads it: the first (0002,0010)."""
    r = subprocess.run(["dcmdump", "-q", "-Un", "+P", "0002,0010", path],
                       capture_output=True, text=True, timeout=60)
    for line in r.stdout.splitlines():
        if "[" in line:
            return line.split("[", 1)[1].split("]", 1)[0]
    return ""


def by_dcmtk(path):
    ts = dcmtk_syntax(path)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "native.dcm")
        dcmtk_native(path, ts, out)
        ds = pydicom.dcmread(out)
        if "PixelData" not in ds:
            raise ValueError("no pixel data")
        arr = shaped(numpy_handler.get_pixeldata(ds), ds)
        pixrep = int(ds.get("PixelRepresentation", 0))
        return arr.shape, stats(physical(arr, ds, ds.PhotometricInterpretation, pixrep))


def agree(a, b, lossy):
    (sa, (mina, maxa, meana)), (sb, (minb, maxb, meanb)) = a, b
    if sa != sb:
        return False
    if lossy:
        return abs(meana - meanb) <= 0.01 * max(abs(meana), abs(meanb), 1e-9)
    close = lambda x, y: math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    return close(mina, minb) and close(maxa, maxb) and close(meana, meanb)


def header(path):
    """Header fields as the file writes them (empty when unreadable), and
    the transfer syntax pydicom reads the dataset with."""
    try:
        ds = read(path)
        ts = ds.file_meta.get("TransferSyntaxUID", "")
        return (ds.get("Rows", ""), ds.get("Columns", ""), str(ds.get("NumberOfFrames", "")),
                ds.get("SamplesPerPixel", ""), ds.get("PhotometricInterpretation", ""),
                str(ts), syntax_of(ds))
    except Exception:  # noqa: BLE001 - any failure means "no header"
        return ("", "", "", "", "", "", "")


def one(root, rel):
    path = os.path.join(root, rel)
    rows, cols, frames, spp, pi, _, used_ts = header(path)
    ts = dcmtk_syntax(path)
    results, notes = {}, []
    for name, fn in (("pydicom", lambda: by_pydicom(path)),
                     ("dcmtk", lambda: by_dcmtk(path))):
        try:
            results[name] = fn()
        except Exception as e:  # noqa: BLE001 - the reason is recorded
            notes.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:100]}")
    lossy = (ts or used_ts) in LOSSY
    if not results:
        return [rel, "rejected", "", "", int(lossy), rows, cols, frames, spp, pi, ts,
                "", "", "", "; ".join(notes)]
    by = "both" if len(results) == 2 else next(iter(results))
    ok = ""
    if len(results) == 2:
        ok = "yes" if agree(results["pydicom"], results["dcmtk"], lossy) else "no"
        if ok == "no":
            notes.append("pydicom %s %s / dcmtk %s %s" % (results["pydicom"][0],
                         results["pydicom"][1], results["dcmtk"][0], results["dcmtk"][1]))
    pick = results.get("pydicom", results.get("dcmtk"))
    shape, (mn, mx, mean) = pick
    return [rel, "ok", by, ok, int(lossy), shape[1], shape[2], shape[0], shape[3], pi, ts,
            repr(mn), repr(mx), repr(mean), "; ".join(notes)]


def main():
    root = sys.argv[1]
    files = []
    for top in ("dicom", "bugs"):
        for d, _, names in os.walk(os.path.join(root, top)):
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    cols = ["path", "status", "by", "agree", "lossy", "rows", "columns", "frames", "samples",
            "photometric", "transfer_syntax", "min", "max", "mean", "note"]
    print("\t".join(cols))
    for rel in sorted(files):
        print("\t".join(str(v) for v in one(root, rel)), flush=True)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip GDCM's destructors (see gdcm_check)
