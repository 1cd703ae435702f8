package variants

import (
	"context"
)

// Info is what `clinfuse inspect` says about a variant file. It names no
// samples, only counts them.
type Info struct {
	// Format is what the content was read as.
	Format Format `json:"format"`
	// Version is the VCF ##fileformat value, empty for other formats.
	Version string `json:"version,omitempty"`
	// Samples counts the VCF header's samples or a table's distinct samples.
	Samples int `json:"samples"`
	// Records counts VCF data lines or table rows, rejected ones included.
	Records int64 `json:"records"`
	// Contigs lists the distinct chromosomes of the records, in order of
	// first appearance.
	Contigs []string `json:"contigs"`
	// Rejected counts the lines Read would reject.
	Rejected int64 `json:"rejected"`
	// Notes are the workarounds Read would apply.
	Notes []string `json:"notes,omitempty"`
}

// Inspect describes a VCF, BCF, MAF, sample map or clinical annotation
// file without building Arrow data. For VCF and MAF it runs the same
// reader as Read, so records, rejections and notes agree with Read. A BCF
// file is described (samples, records, contigs) though Read rejects it.
func Inspect(ctx context.Context, path string) (Info, error) {
	in, err := openInput(ctx, path)
	if err != nil {
		return Info{}, err
	}
	defer in.Close()
	head, err := in.head()
	if err != nil {
		return Info{}, err
	}
	if f, ok := sniffText(path, head); ok && (f == FormatSampleMap || f == FormatClinical) {
		return inspectTable(ctx, in, f)
	}
	if len(head) >= len(bcfMagic) && string(head[:len(bcfMagic)]) == string(bcfMagic) {
		return inspectBCF(in)
	}
	f, err := detect(in)
	if err != nil {
		return Info{}, err
	}
	return inspectVariants(ctx, in, f)
}

// inspectVariants runs the VCF or MAF reader without output.
func inspectVariants(ctx context.Context, in *input, f Format) (Info, error) {
	st := Stats{Format: f}
	seen := &contigSet{}
	var err error
	if f == FormatMAF {
		err = readMAF(ctx, in, nil, &callBuilder{contigs: seen}, &st)
	} else {
		err = readVCF(ctx, in, nil, &callBuilder{contigs: seen}, &st)
	}
	info := Info{Format: f, Version: st.Version, Samples: len(st.Samples), Records: st.Records,
		Contigs: seen.names, Rejected: st.Rejected, Notes: st.Notes}
	if info.Contigs == nil {
		info.Contigs = []string{}
	}
	return info, err
}

// inspectTable counts the rows and keys of a sample map or clinical table.
func inspectTable(ctx context.Context, in *input, f Format) (Info, error) {
	t := newTableReader(in)
	info := Info{Format: f, Contigs: []string{}}
	keys := map[string]bool{}
	first := true
	err := t.each(ctx, func(row [][]byte) error {
		if first {
			first = false
			if _, _, header := sampleMapHeader(row); header || f == FormatClinical {
				return nil
			}
		}
		info.Records++
		keys[string(cell(row, 0))] = true
		return nil
	})
	info.Samples = len(keys)
	return info, err
}

// contigSet gathers distinct contig names in order of first appearance.
type contigSet struct {
	idx   map[string]struct{}
	names []string
	last  string
}

func (c *contigSet) add(b []byte) {
	if string(b) == c.last {
		return
	}
	if c.idx == nil {
		c.idx = map[string]struct{}{}
	}
	if _, ok := c.idx[string(b)]; !ok {
		s := string(b)
		c.idx[s] = struct{}{}
		c.names = append(c.names, s)
	}
	c.last = string(b)
}
