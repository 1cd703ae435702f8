package variants

// Format names what Sniff found in a file.
type Format string

// The formats this package recognises.
const (
	FormatVCF       Format = "vcf"                 // plain-text VCF
	FormatVCFGz     Format = "vcf.gz"              // gzip or bgzip (BGZF) VCF
	FormatBCF       Format = "bcf"                 // binary VCF; recognised, not read
	FormatMAF       Format = "maf"                 // MAF and MAF-like variant tables
	FormatSampleMap Format = "sample-map"          // samples.tsv
	FormatClinical  Format = "clinical-annotation" // TCGA-style clinical table
)

// Rejection is one line that could not be read, and why. Line is the 1-based
// physical line number in the (decompressed) file. Reason never quotes
// sample names or other values from the line.
type Rejection struct {
	Line   int64
	Reason string
}

// maxRejections bounds Stats.Rejections; Stats.Rejected counts them all.
const maxRejections = 1000

// Stats summarises one Read, ReadClinical or ReadSampleMap.
type Stats struct {
	// Format is what the content was read as.
	Format Format
	// Version is the VCF ##fileformat value as written, empty when the
	// header has none or the file is not a VCF.
	Version string
	// Records counts VCF data lines, or MAF and table rows, rejected ones
	// included.
	Records int64
	// Calls counts the rows emitted.
	Calls int64
	// Samples lists the sample names in file order (VCF header order, or
	// first appearance in a table).
	Samples []string
	// Unlinked lists the samples that link to no patient.
	Unlinked []string
	// Rejected counts the lines that could not be read.
	Rejected int64
	// Rejections holds the first 1000 of them.
	Rejections []Rejection
	// Notes says how the reader worked around what the file got wrong,
	// e.g. "header lacks INFO=CSQ; annotations ignored".
	Notes []string
}

// reject records one unreadable line.
func (s *Stats) reject(line int64, reason string) {
	s.Rejected++
	if len(s.Rejections) < maxRejections {
		s.Rejections = append(s.Rejections, Rejection{Line: line, Reason: reason})
	}
}

// absorb turns a line-level error into a rejection of line; any other
// error is returned.
func (s *Stats) absorb(line int64, err error) error {
	if le, ok := err.(*lineError); ok {
		s.reject(line, le.reason)
		return nil
	}
	return err
}

// note adds a note once.
func (s *Stats) note(text string) {
	for _, n := range s.Notes {
		if n == text {
			return
		}
	}
	s.Notes = append(s.Notes, text)
}

// Linker maps a sample name to a patient id; ok=false means unlinked.
type Linker func(sample string) (patientID string, ok bool)
