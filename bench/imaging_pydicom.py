#!/usr/bin/python3
"""pydicom's speed on native 512x512 16-bit CT slices, the workload of
ingest/imaging's BenchmarkDecodeCT512 (same pixel layout, phantom and
header attributes; the files are written here with pydicom).

Each file is read with dcmread, its pixel array decoded and turned into
Hounsfield units as float32 (slope and intercept applied), the pydicom
equivalent of imaging.Decode. Run with Debian's Python (pydicom 2.3.1):

    /usr/bin/python3 bench/imaging_pydicom.py [seconds]

It prints files/s and MB/s of file bytes, best of three timed rounds.
With --count N it decodes N files once and prints nothing, so that
valgrind --tool=callgrind can count instructions per file (the difference
between two counts divided by the difference of N), the machine-load-free
comparison used in ingest/imaging's notes.
"""
import math
import os
import sys
import tempfile
import time

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

SLICES = 16


def ct_slice(path, rng, i):
    yy, xx = np.mgrid[0:512, 0:512]
    hu = np.where(np.hypot(xx - 256, yy - 256) < 200, 40 + 20 * rng.standard_normal((512, 512)),
                  -1000.0)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate, ds.Modality = "20240101", "CT"
    ds.PatientName, ds.PatientID = "Bench^Phantom", "BENCH"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.2"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.3"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.ImagePositionPatient = [-250, -250, i * 2.5]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceThickness = 2.5
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows = ds.Columns = 512
    ds.PixelSpacing = [0.9765625, 0.9765625]
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.PixelData = (hu + 1024).astype("<u2").tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)


def decode(path):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array.astype(np.float32)
    arr *= np.float32(float(ds.RescaleSlope))
    arr += np.float32(float(ds.RescaleIntercept))
    return arr


def round_(paths, seconds):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        decode(paths[n % len(paths)])
        n += 1
    return n, time.perf_counter() - start


def main():
    args = sys.argv[1:]
    count = None
    if args[:1] == ["--count"]:
        count, args = int(args[1]), args[2:]
    seconds = float(args[0]) if args else 3
    rng = np.random.default_rng(35)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, f"ct{i}.dcm") for i in range(SLICES)]
        for i, p in enumerate(paths):
            ct_slice(p, rng, i)
        if count is not None:
            for i in range(count):
                decode(paths[i % SLICES])
            return
        size = sum(os.path.getsize(p) for p in paths) / len(paths)
        best = max((n / t for n, t in (round_(paths, seconds) for _ in range(3))))
    print(f"pydicom {pydicom.__version__}: {best:.1f} files/s, "
          f"{best * size / 1e6:.2f} MB/s ({size:.0f} bytes per file)")


if __name__ == "__main__":
    main()
