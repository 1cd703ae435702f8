package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/clinfuse/clinfuse/ingest"
	"github.com/clinfuse/clinfuse/ingest/imaging"
)

// frameSlice is one decoded frame, already windowed and resampled to the
// model grid; the full-resolution pixels are never kept.
type frameSlice struct {
	file      int // index into night.files
	ref       imaging.SliceRef
	studyDate string
	pixels    []float32
}

// imageSet holds the decoded slices and, once linked, each patient's study
// tensor (Slices x Grid x Grid values in [0,1]).
type imageSet struct {
	slices  []frameSlice
	tensors map[string][]float32
	chosen  map[int]bool // files whose frames entered a tensor
}

func (s *imageSet) present() int { return len(s.tensors) }

// errDICOMDIR marks a DICOMDIR, which indexes files but holds no image.
var errDICOMDIR = errors.New("DICOMDIR (a directory index; the files it lists are read directly)")

// readImages decodes every DICOM file on the worker pool; frames come back
// in file order whatever the number of workers.
func (n *night) readImages(ctx context.Context, c *Counters) error {
	var idx []int
	n.each(ingest.KindDICOM, nil, func(i int, _ ingest.File) { idx = append(idx, i) })
	n.images = &imageSet{}
	dc := n.stage("decode")
	defer dc.Done()
	lim := imaging.DefaultLimits()
	err := Map(ctx, dc, n.cfg.Workers, 4*n.cfg.Workers, idx,
		func(ctx context.Context, i int) ([]frameSlice, error) {
			return n.decodeFile(ctx, i, lim)
		},
		func(k int, out []frameSlice, err error) error {
			i := idx[k]
			c.In.Add(1)
			switch {
			case errors.Is(err, errDICOMDIR):
				n.setFate(i, fateIgnored, err.Error())
				c.Out.Add(1)
			case err != nil:
				n.reject(i, err.Error())
				c.Rejected.Add(1)
			default:
				n.images.slices = append(n.images.slices, out...)
				c.Out.Add(1)
			}
			return nil
		})
	n.log.Info("images decoded", "files", len(idx), "frames", len(n.images.slices),
		"rejected", dc.Rejected.Load(), "from_work_folder", n.cacheHits.Load(),
		"seconds", dc.Elapsed().Seconds())
	return err
}

// maxFramesPerFile bounds the frames kept from one multi-frame object.
const maxFramesPerFile = 4096

// decoded is a file's decode outcome as kept in the work folder.
type decoded struct {
	Frames []cachedFrame
	Err    string // rejection reason; empty when decoded
	Dir    bool   // a DICOMDIR
}

type cachedFrame struct {
	Ref       imaging.SliceRef
	StudyDate string
	Pixels    []float32
}

// decodeFile decodes file i, or takes the outcome from the work folder.
func (n *night) decodeFile(ctx context.Context, i int, lim imaging.Limits) ([]frameSlice, error) {
	key := newKey("decode", n.opt.Version, n.files[i].SHA256, string(n.imagingYAML())).sum()
	var d decoded
	if n.work.load("decode", key, &d) {
		n.cacheHits.Add(1)
	} else {
		out, err := n.decodeFresh(ctx, i, lim)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d = decoded{Dir: errors.Is(err, errDICOMDIR)}
		if err != nil {
			d.Err = err.Error()
		}
		for _, f := range out {
			d.Frames = append(d.Frames, cachedFrame{f.ref, f.studyDate, f.pixels})
		}
		if err := n.work.store("decode", key, d); err != nil {
			return nil, err
		}
	}
	switch {
	case d.Dir:
		return nil, errDICOMDIR
	case d.Err != "":
		return nil, errors.New(d.Err)
	}
	out := make([]frameSlice, len(d.Frames))
	for k, f := range d.Frames {
		out[k] = frameSlice{file: i, ref: f.Ref, studyDate: f.StudyDate, pixels: f.Pixels}
	}
	return out, nil
}

func (n *night) imagingYAML() []byte {
	b, _ := yaml.Marshal(n.cfg.Imaging)
	return b
}

func (n *night) decodeFresh(ctx context.Context, i int, lim imaging.Limits) ([]frameSlice, error) {
	var out []frameSlice
	each := func(m imaging.Meta, f imaging.Frame) error {
		if len(out) >= maxFramesPerFile {
			return fmt.Errorf("more than %d frames", maxFramesPerFile)
		}
		out = append(out, frameSlice{
			file:      i,
			studyDate: m.StudyDate,
			pixels:    imaging.Resample(m, f, n.cfg.Imaging.ForModality(m.Modality), nil),
			ref: imaging.SliceRef{
				PatientID: m.PatientID, StudyUID: m.StudyInstanceUID,
				SeriesUID: m.SeriesInstanceUID, Modality: m.Modality,
				SeriesNumber: m.SeriesNumber, InstanceNumber: m.InstanceNumber,
				Position: f.Position, HasPosition: f.HasPosition,
				Orientation: f.Orientation, HasOrientation: f.HasOrientation,
			},
		})
		return nil
	}
	meta, err := imaging.Decode(ctx, n.files[i].Abs, lim, each)
	if meta.IsDICOMDIR {
		return nil, errDICOMDIR
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("imaging: no frames decoded")
	}
	return out, nil
}

// linkImages keeps the slices of known patients, chooses one series per
// study and one study per patient, and builds each patient's tensor.
func (n *night) linkImages(c *Counters) {
	s := n.images
	s.tensors = map[string][]float32{}
	s.chosen = map[int]bool{}
	known := map[string]int{}
	for i, p := range n.set.Patients {
		known[p.ID] = i
	}
	var refs []imaging.SliceRef
	linked := map[int]bool{}
	for k := range s.slices {
		sl := &s.slices[k]
		if _, ok := known[sl.ref.PatientID]; !ok {
			continue
		}
		sl.ref.Key = k
		refs = append(refs, sl.ref)
		linked[sl.file] = true
	}
	studies := imaging.SelectSeries(refs, n.cfg.Imaging)
	best := map[string]imaging.Study{}
	for _, st := range studies {
		if n.studyAllowed(st, known[st.PatientID]) && n.later(st, best[st.PatientID]) {
			best[st.PatientID] = st
		}
	}
	for pid, st := range best {
		s.tensors[pid] = n.tensor(st)
	}
	n.settleImageFates(linked)
}

// studyAllowed applies the as-of date and, for a patient diagnosed with any
// target, the earliest onset: no image taken after either may be a feature.
func (n *night) studyAllowed(st imaging.Study, patient int) bool {
	d, ok := n.studyDate(st)
	if !ok {
		return !n.diagnosedAny(patient) // an undated study cannot be placed before onset
	}
	if d.After(n.set.AsOf) {
		return false
	}
	for _, t := range n.set.Targets {
		l := n.set.Labels[t][patient]
		if l.Diagnosed && !d.Before(l.Onset) {
			return false
		}
	}
	return true
}

func (n *night) diagnosedAny(patient int) bool {
	for _, t := range n.set.Targets {
		if n.set.Labels[t][patient].Diagnosed {
			return true
		}
	}
	return false
}

// later reports whether st should replace cur: the later study wins, then
// the larger StudyUID, so that the choice never depends on input order.
func (n *night) later(st, cur imaging.Study) bool {
	if cur.StudyUID == "" {
		return true
	}
	a, _ := n.studyDate(st)
	b, _ := n.studyDate(cur)
	if !a.Equal(b) {
		return a.After(b)
	}
	return st.StudyUID > cur.StudyUID
}

func (n *night) studyDate(st imaging.Study) (time.Time, bool) {
	if len(st.Keys) == 0 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", n.images.slices[st.Keys[0]].studyDate)
	return t, err == nil
}

// tensor stacks cfg.Imaging.Slices slices taken evenly along the study's
// ordered slices.
func (n *night) tensor(st imaging.Study) []float32 {
	want := n.cfg.Imaging.Slices
	g := n.cfg.Imaging.Grid
	out := make([]float32, 0, want*g*g)
	for j := range want {
		k := len(st.Keys) / 2
		if want > 1 {
			k = int(math.Round(float64(j) * float64(len(st.Keys)-1) / float64(want-1)))
		}
		sl := n.images.slices[st.Keys[k]]
		n.images.chosen[sl.file] = true
		out = append(out, sl.pixels...)
	}
	return out
}

// settleImageFates records what became of each decoded DICOM file.
func (n *night) settleImageFates(linked map[int]bool) {
	seen := map[int]bool{}
	for _, sl := range n.images.slices {
		if seen[sl.file] {
			continue
		}
		seen[sl.file] = true
		switch {
		case n.images.chosen[sl.file]:
			n.setFate(sl.file, fateUsed, "")
		case linked[sl.file]:
			n.setFate(sl.file, fateUsed, "decoded; not selected for the model (another series, "+
				"slice or study of the patient was chosen, or the study is dated after onset)")
		default:
			n.setFate(sl.file, fateUnlinked, "its PatientID links to no patient in the records")
		}
	}
	// Pixels are no longer needed once tensors are built.
	for k := range n.images.slices {
		n.images.slices[k].pixels = nil
	}
}
