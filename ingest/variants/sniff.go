package variants

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Sniff decides what a file holds from its name and its first bytes (up to
// 4096; gzip content is sniffed after inflating the head). Content decides;
// the name only tells a headerless sample map from any other two-column
// table. It reports false for anything this package does not read.
func Sniff(name string, head []byte) (Format, bool) {
	if bytes.HasPrefix(head, bcfMagic) {
		return FormatBCF, true
	}
	if isGzip(head) {
		text := inflateHead(head)
		if bytes.HasPrefix(text, bcfMagic) {
			return FormatBCF, true
		}
		f, ok := sniffText(name, text)
		if f == FormatVCF {
			f = FormatVCFGz
		}
		return f, ok
	}
	return sniffText(name, head)
}

// sniffText classifies decompressed text.
func sniffText(name string, text []byte) (Format, bool) {
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	if looksVCF(text) {
		return FormatVCF, true
	}
	if bytes.HasPrefix(text, []byte("#version 2.")) {
		return FormatMAF, true
	}
	cols, ok := firstTableLine(text)
	if !ok {
		return "", false
	}
	switch t := classifyColumns(cols); {
	case t != "":
		return t, true
	case isSampleMapName(name) && len(cols) >= 2:
		return FormatSampleMap, true
	}
	return "", false
}

// looksVCF reports whether text starts like a VCF: a fileformat line (VCF 3
// wrote "##format"), other structured meta lines, or the #CHROM line.
func looksVCF(text []byte) bool {
	for _, p := range []string{"##fileformat=VCF", "##format=VCF", "#CHROM\tPOS\tID\tREF\tALT"} {
		if bytes.HasPrefix(text, []byte(p)) {
			return true
		}
	}
	if !bytes.HasPrefix(text, []byte("##")) {
		return false
	}
	for _, p := range []string{"##INFO=<", "##FORMAT=<", "##contig=<", "##FILTER=<",
		"\n#CHROM\t"} {
		if bytes.Contains(text, []byte(p)) {
			return true
		}
	}
	return false
}

// firstTableLine returns the tab-separated columns of the first line that
// is neither blank nor a '#' comment. Lines may end with LF, CRLF or CR.
func firstTableLine(text []byte) ([]string, bool) {
	for len(text) > 0 {
		end := bytes.IndexAny(text, "\r\n")
		line := text
		if end >= 0 {
			line, text = text[:end], text[end+1:]
		} else {
			text = nil
		}
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		if bytes.IndexByte(line, '\t') < 0 {
			return nil, false
		}
		return strings.Split(string(line), "\t"), true
	}
	return nil, false
}

// isSampleMapName reports whether a file name is a conventional sample map.
func isSampleMapName(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".gz"), ".tsv")
	base = strings.TrimSuffix(base, ".txt")
	switch base {
	case "samples", "sample_map", "sample-map", "samplemap", "sample_patient", "samples_patients":
		return true
	}
	return false
}
