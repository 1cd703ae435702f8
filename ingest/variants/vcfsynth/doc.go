// Package vcfsynth writes synthetic, deterministic VCF files for tests and
// benchmarks of package variants, and the BGZF (blocked gzip) container
// that bgzip and htslib use.
//
// Write produces a VCF 4.2 file of Config.Records data lines and
// Config.Samples samples: chromosomes chr1 to chr22 in order, increasing
// positions, mostly SNVs with some indels and multi-allelic sites, a SnpEff
// ANN annotation per line, and per-sample GT:DP:GQ:AD genotypes drawn under
// Hardy-Weinberg proportions from a per-site allele frequency, with a few
// missing calls. The same Config always gives the same bytes: the only
// randomness is a PCG source seeded from Config.Seed.
//
// BGZFWriter compresses with compress/flate into members of at most 65280
// input bytes, each carrying the BC extra subfield with its size, and ends
// the stream with the standard empty end-of-file member (SAM/BAM format
// specification, section 4.1).
package vcfsynth
