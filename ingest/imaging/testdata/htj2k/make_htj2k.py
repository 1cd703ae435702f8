#!/usr/bin/python3
"""Make the High-Throughput JPEG 2000 test streams (run once; needs Debian's
openjph-tools for ojph_compress). The images follow the formulas that
TestHTJ2K recomputes, so decoding must reproduce them exactly.

    grey.j2c  48x40, 12-bit values in 16-bit samples, reversible 5/3
    rgb.j2c   24x16 RGB 8-bit, reversible, with the colour transform (RCT)
"""
import os
import struct
import subprocess
import tempfile


def grey(x, y):
    return (x * 97 + y * 53 + (x * y) % 31) % 4096


def rgb(x, y):
    return ((3 * x + y) % 256, (x * y) % 256, (255 - 2 * y) % 256)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        pgm = os.path.join(tmp, "grey.pgm")
        with open(pgm, "wb") as f:
            f.write(b"P5 48 40 4095\n")
            f.write(b"".join(struct.pack(">H", grey(x, y)) for y in range(40) for x in range(48)))
        ppm = os.path.join(tmp, "rgb.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6 24 16 255\n")
            f.write(bytes(v for y in range(16) for x in range(24) for v in rgb(x, y)))
        for src, out in ((pgm, "grey.j2c"), (ppm, "rgb.j2c")):
            subprocess.run(["ojph_compress", "-i", src, "-o", out, "-reversible", "true"],
                           check=True)


if __name__ == "__main__":
    main()
