// Package variants reads genomic variant files of a clinfuse export into
// Arrow record batches of schemas.VariantCalls, and the side tables that
// come with them: the sample-to-patient map (samples.tsv) and TCGA-style
// clinical annotation tables.
//
// # Formats
//
// Sniff and the readers decide by content, never by file name alone.
//
//   - VCF 4.0 to 4.4 (VCF specification, samtools/hts-specs), and VCF 3.x
//     as far as it agrees with 4.x: plain text, gzip (one or many members)
//     or BGZF (bgzip; SAM/BAM specification section 4.1). BGZF members are
//     inflated in parallel and read back in order, so the output does not
//     depend on GOMAXPROCS. A BGZF file that goes on with plain gzip members
//     (two files concatenated) is rejected as malformed at the first such
//     member.
//   - BCF 2 is recognised: Inspect counts its samples, records and contigs
//     from the header and the record framing, and Read rejects it with
//     ErrUnsupported ("BCF is not supported; convert with bcftools view -Ov").
//   - MAF (GDC/TCGA, vcf2maf, Oncotator) and MAF-like tables (ANNOVAR
//     multianno with a Tumor_Sample_Barcode column, ICGC simple somatic
//     mutation): tab-separated, plain or gzip, LF, CRLF or CR-only line
//     endings, '#' comment lines skipped anywhere, columns found by name
//     (case-insensitive). A table with a chromosome column but no allele
//     columns (copy-number segments) is rejected with ErrUnsupported.
//   - samples.tsv (ReadSampleMap) and clinical annotation tables
//     (ReadClinical).
//
// # Calls
//
// Read writes one row per sample and alternate allele that the sample's GT
// carries; multi-allelic sites are split per allele (allele_index is the
// allele's 1-based place in ALT). A sites-only VCF (no sample columns) gives
// no rows; neither does a record whose FORMAT has no GT. Zygosity comes from
// GT: a haploid call is hemi; a diploid or polyploid call whose alleles are
// all the carried allele is hom_alt; a call with any missing allele ("./1")
// is unknown; anything else (0/1, 1/2) is het. Phasing is ignored.
//
// ALT alleles that are not variants give no rows: the gVCF placeholders
// <NON_REF>, <*> and <X>, the spanning-deletion allele '*', and ALT '.'.
// A record with no other allele is a reference block: it counts in
// Stats.Records but gives no calls. A reference-only GT (0/0) gives no
// calls either, so END-style reference blocks drop out the same way.
// Symbolic alleles (<DEL>, <DUP:TANDEM>, <INV>, ...) have kind "sv" and
// breakend alleles (t[p[, ]p]t, .A, G.) kind "breakend"; their sv_type is
// INFO/SVTYPE when given, else the symbolic allele's first ID component
// (DUP for <DUP:TANDEM>) or BND. Sequence alleles are "snv" (same length,
// at most one differing base), "mnv" (same length, more) or "indel".
//
// # Annotations
//
// Gene, consequence and impact come from SnpEff ANN, SnpEff's legacy EFF,
// Ensembl VEP CSQ (under any INFO key whose header Description names VEP,
// such as gnomAD's "vep") and bcftools csq BCSQ. Field positions come from
// the header Description ("Format: Allele|Consequence|IMPACT|SYMBOL|...");
// a field that is used but not declared is read with its tool's default
// layout and a note. Each entry is matched to its allele: VEP by
// ALLELE_NUM, else by Allele as written or in VEP's trimmed form (shared
// first base removed, "-" for nothing); ANN by Allele; EFF by its Genotype
// field; BCSQ by the allele after '>' in dna_change; an entry that matches
// no allele goes to the only real allele, or (EFF, BCSQ) to every allele.
// BCSQ entries pointing at another record ("@123") or marked as downstream
// of a stop ('*') are skipped. Per allele the most severe entry wins: the
// higher impact (HIGH > MODERATE > LOW > MODIFIER), then the more severe
// consequence term in Ensembl's order, then the first written. An entry's
// impact is the one it states, else its worst term's impact; EFF and BCSQ
// terms are mapped to Sequence Ontology terms first. The gene is VEP SYMBOL
// (else HGNC, else Gene), ANN/EFF Gene_Name, BCSQ gene.
//
// # Headers that lie or are missing
//
// A missing ##fileformat is read with VCF 4.x rules (a note says so);
// "##format=VCFv3.x" marks VCF 3, whose FILTER "0" means PASS. A #CHROM
// line ending in tabs or spaces (an empty last sample name, which bcftools
// refuses) loses the empty columns, with a note. A #CHROM line separated by
// spaces is split on spaces, and so are data lines without a tab. A missing
// #CHROM line, a data line before it, an empty sample name between others,
// or a repeated sample name make the file malformed (ErrMalformed), as does
// an empty file. Undeclared INFO,
// FORMAT and contig names are accepted. QUAL that is not a finite number
// (NaN, nan, -Inf) reads as null, with a count in the notes.
//
// # Lines that cannot be read
//
// A data line with fewer than 8 columns, a POS that is not a non-negative
// integer, an empty REF or ALT allele, or a GT that is not a genotype or
// names an allele the record lacks is rejected: Stats.Rejected counts it,
// Stats.Rejections keeps the first 1000 with their line numbers, and
// reading goes on. A line with fewer sample columns than the header names
// (trailing samples dropped) is read, the missing samples being not called;
// columns beyond the named samples are ignored, with a note. Sample columns with
// trailing FORMAT fields dropped ("./." for GT:AD:DP) are normal. MAF rows
// without a sample, chromosome, start position or a tumour allele that
// differs from the reference are rejected the same way. Consecutive MAF rows
// naming the same sample, position and alleles (ICGC writes one per
// transcript) make one call with the most severe annotation. Rejection
// reasons never quote values from the file.
//
// # MAF columns
//
// chrom from Chromosome (or Chr, chromosome); pos from Start_Position (or
// Start, chromosome_start); ref from Reference_Allele (or Ref,
// reference_genome_allele); alt is Tumor_Seq_Allele2 unless it equals the
// reference, then Tumor_Seq_Allele1 (or Alt, mutated_to_allele); sample from
// Tumor_Sample_Barcode (or sample, submitted_sample_id, icgc_sample_id).
// Zygosity is het when one tumour allele equals the reference, hom_alt when
// both equal the same alternate allele, unknown when either column is
// missing. Gene from Hugo_Symbol ("Unknown" is null) or the ANNOVAR and
// ICGC gene columns; consequence and impact from the vcf2maf Consequence
// and IMPACT columns, else Variant_Classification (or ANNOVAR ExonicFunc
// and Func, ICGC consequence_type) mapped to SO terms and their impact.
// FILTER is read when present; QUAL is null.
//
// # Patients
//
// A Linker maps sample names to patient ids. NewLinker follows the export
// contract: the sample map when it names the sample, else the sample name
// itself. Calls of unlinked samples keep a null patient_id and their
// samples are listed in Stats.Unlinked.
//
// # Memory and errors
//
// Files are streamed: memory is bounded by one batch of 32768 rows (or
// 64 MiB of strings), the decompression queue and the longest line (at
// most 64 MiB). Batches come from the allocator given to Read and are
// released after emit returns. Errors name the file, and the line when
// known, and wrap ErrMalformed or ErrUnsupported where they apply.
package variants
