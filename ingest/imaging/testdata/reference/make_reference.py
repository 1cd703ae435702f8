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

A file counts as decoded when any route decodes it. When two do, their
statistics are compared (lossless: equal; lossy: means within 1%) and the
"agree" column says so. The chosen reference is the pydicom route when it
succeeded with the right number of frames, else the dcmtk route.

Neither tool reads 12-bit packed pixels (Bits Allocated 12); for those a
third route unpacks them with numpy ("numpy12"). Two files the tools
cannot parse are decoded after a minimal documented repair (REPAIRS); the
route names then end in "+repair".

Output columns: path, status (ok or rejected), by (the routes that
decoded, joined with "+"), agree (when two routes decoded), lossy, rows,
columns, frames, samples, photometric (as written in the file),
transfer_syntax, min, max, mean, note.
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


def fragments(ds):
    """The fragments of encapsulated pixel data, after the offset table."""
    fp = pydicom.filebase.DicomBytesIO(ds.PixelData)
    fp.is_little_endian = True
    pydicom.encaps.get_frame_offsets(fp)
    return list(pydicom.encaps.generate_pixel_data_fragment(fp))


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
        nfrag = len(fragments(ds))
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


def sof_size(frag):
    """Rows and columns of a JPEG stream's frame header, or None."""
    i = 2
    while i + 9 < len(frag) and frag[i] == 0xFF:
        m, n = frag[i + 1], frag[i + 2] << 8 | frag[i + 3]
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC) or m == 0xF7:
            return frag[i + 5] << 8 | frag[i + 6], frag[i + 7] << 8 | frag[i + 8]
        i += 2 + n
    return None


def jpeg_sizes_wrong(path):
    """Count JPEG frames whose stream is not Rows x Columns. The decoders
    of both routes write such streams into a Rows x Columns buffer with the
    stream's own stride, so their pixels are scrambled, not decoded."""
    try:
        ds = read(path)
    except Exception:  # noqa: BLE001 - unreadable by pydicom: nothing to check
        return 0
    if "PixelData" not in ds or not ds.file_meta.get("TransferSyntaxUID", "") in JPEG | JPEGLS:
        return 0
    wrong = 0
    for frag in fragments(ds):
        if frag[:2] == b"\xff\xd8":
            size = sof_size(frag)
            wrong += size is not None and size != (ds.Rows, ds.Columns)
    return wrong


def by_numpy12(path):
    """Unpack 12-bit packed native pixels (Bits Allocated 12, as ACR-NEMA
    files store them: two cells in three bytes, the first in byte 0 and the
    low nibble of byte 1) with numpy; neither tool reads them."""
    ds = read(path)
    if ds.get("BitsAllocated") != 12 or "PixelData" not in ds:
        raise ValueError("not 12-bit packed pixel data")
    n = ds.Rows * ds.Columns * frames_of(ds)
    raw = np.frombuffer(ds.PixelData, np.uint8).astype(np.int64)[: (n + 1) // 2 * 3]
    if len(raw) < (n + 1) // 2 * 3:
        raise ValueError("pixel data too short")
    b0, b1, b2 = raw[0::3], raw[1::3], raw[2::3]
    cells = np.empty(len(b0) * 2, np.int64)
    cells[0::2], cells[1::2] = b0 | (b1 & 0xF) << 8, (b1 >> 4) | b2 << 4
    arr = cells[:n].reshape(frames_of(ds), ds.Rows, ds.Columns, 1)
    pixrep = int(ds.get("PixelRepresentation", 0))
    return arr.shape, stats(physical(arr, ds, "MONOCHROME2", pixrep))


def patch_length(data, tag, old, new):
    at = data.index(tag + old.to_bytes(4, "little"))
    return data[:at + 4] + new.to_bytes(4, "little") + data[at + 8:]


# Files the tools cannot parse, with the smallest edit that makes them
# standard; the repaired copy is decoded and the result kept as reference
# for the original, which clinfuse reads without repair.
REPAIRS = {
    "GH626.dcm": ("private sequence (2005,140F) declares 256 bytes but its "
                  "undefined-length item ends 4 bytes later; length set to 260",
                  lambda d: patch_length(d, b"\x05\x20\x0f\x14", 256, 260)),
    "item_closed_by_seqdelim.dcm": ("an item delimiter inserted before the sequence "
                                    "delimiter that closes the undefined-length item",
                                    lambda d: d.replace(b"\xfe\xff\xdd\xe0",
                                                        b"\xfe\xff\x0d\xe0\0\0\0\0"
                                                        b"\xfe\xff\xdd\xe0", 1)),
}


def decode_all(path):
    results, notes = {}, []
    for name, fn in (("pydicom", lambda: by_pydicom(path)),
                     ("dcmtk", lambda: by_dcmtk(path)),
                     ("numpy12", lambda: by_numpy12(path))):
        try:
            results[name] = fn()
        except Exception as e:  # noqa: BLE001 - the reason is recorded
            if name != "numpy12":
                notes.append(f"{name}: {type(e).__name__}: {' '.join(str(e).split())[:100]}")
    return results, notes


def repaired(path, notes):
    """Decode a repaired copy of path, when a repair is known."""
    fix = REPAIRS.get(os.path.basename(path))
    if fix is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "repaired.dcm")
        with open(path, "rb") as f, open(copy, "wb") as g:
            g.write(fix[1](f.read()))
        results, _ = decode_all(copy)
    notes.append("decoded after repair: " + fix[0])
    return {k + "+repair": v for k, v in results.items()}


def one(root, rel):
    path = os.path.join(root, rel)
    rows, cols, frames, spp, pi, _, used_ts = header(path)
    ts = dcmtk_syntax(path)
    results, notes = decode_all(path)
    if not results:
        results = repaired(path, notes)
    lossy = (ts or used_ts) in LOSSY
    wrong = jpeg_sizes_wrong(path) if results else 0
    if wrong:
        notes.append(f"{wrong} JPEG frames are not Rows x Columns: the tools' output "
                     "is scrambled, so the file counts as not decodable")
        results = {}
    if not results:
        return [rel, "rejected", "", "", int(lossy), rows, cols, frames, spp, pi, ts,
                "", "", "", "; ".join(notes)]
    names = sorted(results)
    by = "+".join(names)
    ok = ""
    if len(names) == 2:
        a, b = results[names[0]], results[names[1]]
        ok = "yes" if agree(a, b, lossy) else "no"
        if ok == "no":
            notes.append("%s %s %s / %s %s %s" % (names[0], a[0], a[1], names[1], b[0], b[1]))
    pick = results[sorted(names, key=lambda n: not n.startswith("pydicom"))[0]]
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
