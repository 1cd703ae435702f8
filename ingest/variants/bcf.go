package variants

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// BCF 2 (VCF specification, section 6): after the magic "BCF\2\x01" or
// "BCF\2\x02", a little-endian uint32 gives the length of the VCF header
// text, then come records, each led by two uint32 lengths (shared and
// per-sample parts) with the contig index as the first int32 of the
// shared part. That is enough to count records and name contigs; decoding
// the typed values of a record is not implemented, which is why Read
// rejects BCF.

// inspectBCF describes a BCF file from its header and record framing.
func inspectBCF(in *input) (Info, error) {
	info := Info{Format: FormatBCF, Contigs: []string{}}
	var pre [9]byte
	if _, err := io.ReadFull(in.text, pre[:]); err != nil {
		return info, malformedf(in.path, "truncated BCF header")
	}
	text := make([]byte, binary.LittleEndian.Uint32(pre[5:9]))
	if len(text) > maxLineBytes {
		return info, malformedf(in.path, "BCF header claims %d bytes", len(text))
	}
	if _, err := io.ReadFull(in.text, text); err != nil {
		return info, malformedf(in.path, "truncated BCF header text")
	}
	var st Stats
	h, err := readVCFHeader(newLineReader(bytes.NewReader(bytes.TrimRight(text, "\x00"))), in, &st)
	if err != nil {
		return info, err
	}
	info.Version, info.Samples, info.Notes = h.version, len(h.samples), st.Notes
	dict := bcfContigs(text)
	seen := &contigSet{}
	n, err := countBCFRecords(in, dict, seen)
	info.Records, info.Contigs = n, seen.names
	if info.Contigs == nil {
		info.Contigs = []string{}
	}
	return info, err
}

// countBCFRecords walks the record framing to the end of the file.
func countBCFRecords(in *input, dict map[int]string, seen *contigSet) (int64, error) {
	var n int64
	var lens [12]byte
	for {
		if _, err := io.ReadFull(in.text, lens[:]); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, malformedf(in.path, "BCF record %d is truncated", n+1)
		}
		shared := int64(binary.LittleEndian.Uint32(lens[0:4]))
		indiv := int64(binary.LittleEndian.Uint32(lens[4:8]))
		if shared < 4 {
			return n, malformedf(in.path, "BCF record %d has a %d-byte shared part", n+1, shared)
		}
		chrom := int(int32(binary.LittleEndian.Uint32(lens[8:12])))
		if _, err := io.CopyN(io.Discard, in.text, shared-4+indiv); err != nil {
			return n, malformedf(in.path, "BCF record %d is truncated", n+1)
		}
		name, ok := dict[chrom]
		if !ok {
			name = fmt.Sprintf("#%d", chrom)
		}
		seen.add([]byte(name))
		n++
	}
}

// bcfContigs builds the contig dictionary of a BCF header: ##contig lines
// in order, unless an IDX attribute says otherwise.
func bcfContigs(text []byte) map[int]string {
	dict := map[int]string{}
	next := 0
	for _, line := range strings.Split(string(text), "\n") {
		val, ok := strings.CutPrefix(line, "##contig=")
		if !ok {
			continue
		}
		idx := next
		if s := metaField(val, "IDX"); s != "" {
			if i, err := strconv.Atoi(s); err == nil {
				idx = i
			}
		}
		dict[idx] = metaField(val, "ID")
		next = idx + 1
	}
	return dict
}
