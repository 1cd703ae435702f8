#!/usr/bin/python3
"""Compare clinfuse's VCF reader with bcftools and cyvcf2 on the benchmark file.

Run from the repository root with Debian's Python (it has cyvcf2):

    /usr/bin/python3 bench/variants_peers.py [--rounds 5] [--keep DIR]

It builds bench/variants_gen, writes the same synthetic file that
BenchmarkReadVCF uses (200,000 lines, 10 samples, bgzip, seed 1), then runs
every tool once per round, in turn, so that all tools see the same machine
load. For each it reports the median wall time, the median CPU time (user +
system, from wait4) and variants (data lines) per wall second. cyvcf2's own
loop time, measured inside Python after the import, is reported too, since
interpreter start-up is not the reader's cost.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CYVCF2 = """
import sys, time
from cyvcf2 import VCF
t = time.perf_counter()
n = 0
for v in VCF(sys.argv[1]):
    {body}
    n += 1
print("loop_seconds=%.3f records=%d" % (time.perf_counter() - t, n))
"""


def run(cmd):
    """Runs cmd, returning wall seconds, CPU seconds and stdout."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("%s failed: %s" % (cmd[0], p.stderr.read().decode()))
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", help="folder for the binary and file (default: temporary)")
    args = ap.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="variants_peers_")
    gen = os.path.join(work, "variants_gen")
    vcf = os.path.join(work, "bench.vcf.gz")
    subprocess.check_call(["go", "build", "-o", gen, "./bench/variants_gen"])
    subprocess.check_call([gen, "-o", vcf])
    tools = {
        "clinfuse Read (Arrow rows)": [gen, "-read", vcf],
        "clinfuse Inspect (parse only)": [gen, "-read", vcf, "-inspect"],
        "bcftools view -Ov": ["bcftools", "view", "-Ov", "-o", "/dev/null", vcf],
        "bcftools query GT": ["bcftools", "query", "-f", "[%GT\\t]\\n", "-o", "/dev/null", vcf],
        "cyvcf2 iterate": ["/usr/bin/python3", "-c", CYVCF2.format(body="pass"), vcf],
        "cyvcf2 gt_types+ANN": ["/usr/bin/python3", "-c",
                                CYVCF2.format(body="g = v.gt_types; a = v.INFO.get('ANN')"), vcf],
    }
    results = {name: [] for name in tools}
    for _ in range(args.rounds):
        for name, cmd in tools.items():
            results[name].append(run(cmd))
    print("file: %s (%d bytes), %d rounds, %d CPUs, load %.1f" % (
        vcf, os.path.getsize(vcf), args.rounds, os.cpu_count(), os.getloadavg()[0]))
    print("%-32s %9s %9s %12s  %s" % ("tool", "wall s", "cpu s", "variants/s", "note"))
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        note = ""
        if name.startswith("cyvcf2"):
            loops = [float(r[2].split()[0].split("=")[1]) for r in runs]
            note = "loop only %.3f s = %.0f variants/s" % (
                statistics.median(loops), 200000 / statistics.median(loops))
        print("%-32s %9.3f %9.3f %12.0f  %s" % (name, wall, cpu, 200000 / wall, note))


if __name__ == "__main__":
    main()
