package variants

import (
	"bytes"
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Read streams a VCF or MAF into Arrow batches of schemas.VariantCalls: one
// row per sample and alternate allele that sample carries. Calls of
// unlinked samples are still emitted, with a null patient_id. A nil link
// links no sample. source is written to the source column (the
// export-relative path). Each batch is released after emit returns; emit
// must Retain a batch to keep it.
//
// The content decides the format, whatever the file name. A BCF file is
// rejected with ErrUnsupported. Lines that cannot be read are counted in
// the returned Stats and skipped; the error is non-nil only when the file
// as a whole cannot be read (ErrMalformed, ErrUnsupported, I/O errors,
// cancellation, or an error returned by emit), and then Stats still
// describes what was read before it.
func Read(ctx context.Context, path, source string, link Linker, mem memory.Allocator,
	emit func(arrow.Record) error) (Stats, error) {
	in, err := openInput(ctx, path)
	if err != nil {
		return Stats{}, err
	}
	defer in.Close()
	return readInput(ctx, in, source, link, mem, emit)
}

// readInput is Read on an opened input.
func readInput(ctx context.Context, in *input, source string, link Linker, mem memory.Allocator,
	emit func(arrow.Record) error) (Stats, error) {
	var st Stats
	f, err := detect(in)
	if err != nil {
		return st, err
	}
	st.Format = f
	out := newCallBuilder(mem, source, emit)
	if f == FormatMAF {
		return st, readMAF(ctx, in, link, out, &st)
	}
	return st, readVCF(ctx, in, link, out, &st)
}

// detect decides from the decompressed head of in how to read it: VCF,
// VCF.gz or MAF. Text that starts with '#' and is no table is read as a
// VCF, so that the VCF reader can say what its header lacks.
func detect(in *input) (Format, error) {
	head, err := in.head()
	if err != nil {
		return "", err
	}
	vcf := FormatVCF
	if in.gzipped {
		vcf = FormatVCFGz
	}
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		return "", malformedf(in.path, "empty file")
	case bytes.HasPrefix(head, bcfMagic):
		return "", unsupportedf(in.path, "BCF is not supported; convert with bcftools view -Ov")
	case looksVCF(head):
		return vcf, nil
	}
	return detectTable(in.path, head, vcf)
}

// detectTable tells a variant table from the side tables and from text that
// is no table at all.
func detectTable(path string, head []byte, vcf Format) (Format, error) {
	cols, ok := firstTableLine(head)
	switch f := classifyColumns(cols); {
	case ok && columnIndex(cols, chromNames) >= 0:
		return FormatMAF, nil
	case ok && f != "":
		return "", unsupportedf(path, "a %s table holds no variants", f)
	case bytes.HasPrefix(head, []byte("#")):
		return vcf, nil
	}
	return "", unsupportedf(path, "neither a VCF nor a MAF table")
}
