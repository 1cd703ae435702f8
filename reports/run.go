package reports

import (
	"time"

	"github.com/clinfuse/clinfuse/schemas"
)

// Run is everything one run hands to the reports. The pipeline fills it;
// Write never modifies it. Slices whose order carries no meaning are sorted
// by Write itself (see the package documentation), so that the outputs do
// not depend on the order in which workers finished.
type Run struct {
	// RunID names the run in every output. It must not depend on the clock
	// or on chance, or verify cannot reproduce the outputs; when empty,
	// Write derives it from the input digests, config digest, seed and
	// model digest (DeriveRunID).
	RunID string
	// ToolVersion is the clinfuse version; Build names the Go version, the
	// VCS revision and the cgo codecs present.
	ToolVersion, Build string

	// Config is the effective configuration. ConfigDigest, when empty, is
	// taken from Config.Digest; when set it must equal it.
	Config       schemas.Config
	ConfigDigest string
	Seed         uint64
	// ModelDigest is the SHA-256 of the model weights used for scoring.
	ModelDigest string

	// Platform is GOOS/GOARCH and the CPU count. It goes to the manifest
	// only, since the other outputs must not depend on the machine.
	Platform string
	// ExportDir is the export folder as given on the command line. It goes
	// to the manifest only.
	ExportDir string
	// Started is when the run began; it goes to the manifest's timings
	// only. The zero time leaves it out.
	Started time.Time

	Inputs     []Input
	Rejections []Rejection
	// Stages are kept in the order given: the order of the pipeline.
	Stages []Stage

	Risks       []Risk
	Quality     []Quality
	Calibration []CalPoint
	// Training says in words what the model was trained on.
	Training     string
	Completeness []Completeness

	Embeddings    []Embedding
	Edges         []Edge
	Contributions []Contribution

	// Limits are known limits that touched this run, in words, for
	// example "JPEG-LS not decoded: 2 files rejected".
	Limits []string
}

// Input is one file of the export, as the inventory found it.
type Input struct {
	// Path is slash-separated and relative to the export folder.
	Path string
	Size int64
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string
	// Kind is what sniffing found (dicom, records, variants, ...).
	Kind string
	// Fate is one of FateUsed, FateRejected, FateUnlinked, FateIgnored;
	// Reason says why when the file was not used.
	Fate, Reason string
}

// Fates of an input file.
const (
	FateUsed     = "used"
	FateRejected = "rejected"
	FateUnlinked = "unlinked"
	FateIgnored  = "ignored"
)

// Rejection is one rejected input: a whole file (Line 0) or one line or
// record of it.
type Rejection struct {
	File string
	// Line is 1-based; 0 means the whole file.
	Line          int64
	Stage, Reason string
}

// Stage holds the counts of one pipeline stage. Seconds goes to the
// manifest's timings only.
type Stage struct {
	Name              string
	In, Out, Rejected int64
	Seconds           float64
}

// Risk is the risk of one patient for one target.
type Risk struct {
	PatientID, Target string
	// Risk is a calibrated probability in [0,1]; Low and High bound its
	// 95% interval (Low <= High, both in [0,1]). The interval need not
	// contain Risk: a bootstrap percentile interval sometimes does not.
	Risk, Low, High float64
	// Band is the band name from the configuration; Write fills it from
	// the configuration when empty.
	Band string
	// Status is StatusDiagnosed or StatusUndiagnosed.
	Status string
	// Age is in years; NaN or a negative value means unknown.
	Age float64
	// Sex is F, M, O or U.
	Sex string
	// Driver is the modality whose withholding changes the risk most.
	Driver string
	// Modalities lists the modalities the risk used; order is not
	// meaningful.
	Modalities []string
	// Similar lists the most similar reference patients; Write keeps the
	// configured number (schemas.ReportConfig.Similar), most similar first.
	Similar []Similar
}

// Statuses of a risk row.
const (
	StatusDiagnosed   = "diagnosed"
	StatusUndiagnosed = "undiagnosed"
)

// Similar is one reference patient similar to the scored one.
type Similar struct {
	PatientID string
	// Similarity is in [0,1], 1 meaning identical embeddings.
	Similarity float64
	// Outcome is what is known of the reference patient for the target,
	// for example "diagnosed" or "not diagnosed".
	Outcome string
}

// Interval is an estimate with its 95% interval. NaN marks a value that
// could not be computed (for example AUROC with no positive patient).
type Interval struct{ Value, Low, High float64 }

// Quality is the evaluation of one head for one target.
type Quality struct {
	Target, Head             string
	N, Positives             int
	AUROC, AUPRC, Brier, ECE Interval
}

// CalPoint is one bin of a calibration curve on validation data.
type CalPoint struct {
	Target              string
	Predicted, Observed float64
	Count               int
}

// Completeness counts the patients having one modality.
type Completeness struct {
	Modality          string
	Patients, Present int
}

// Embedding is one patient's embedding for one modality (or the fused one).
type Embedding struct {
	PatientID, Modality string
	Vector              []float32
}

// Edge is one directed edge of the patient graph, with its weight before
// normalisation.
type Edge struct {
	Source, Target string
	Weight         float64
}

// Contribution is the change in risk when a modality is withheld.
type Contribution struct {
	PatientID, Target, Modality string
	Value                       float64
}

// Output is one written file: its name inside the output folder, size and
// hex SHA-256.
type Output struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}
