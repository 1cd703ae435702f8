package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/clinfuse/clinfuse/ingest"
	"github.com/clinfuse/clinfuse/ingest/features"
	"github.com/clinfuse/clinfuse/ingest/records"
	"github.com/clinfuse/clinfuse/ingest/variants"
)

// ingest reads every input file: tables first, in the order the features
// builder needs (patients and conditions before observations and variant
// calls), then images.
func (n *night) ingest(ctx context.Context) error {
	c := n.stage("ingest")
	defer c.Done()
	var spec *features.Spec
	if n.opt.Model != nil {
		spec = &n.opt.Model.Spec
	}
	n.builder = features.NewBuilder(n.cfg, spec)
	link := n.readSampleMaps(ctx, c)
	var later []arrow.Record // clinical observations, held until patients are in
	defer func() {
		for _, r := range later {
			r.Release()
		}
	}()
	phases := []func(context.Context, *Counters, variants.Linker, *[]arrow.Record) error{
		n.readPatients, n.readConditions, n.readEvents, n.readVariants,
	}
	for _, phase := range phases {
		if err := phase(ctx, c, link, &later); err != nil {
			return err
		}
	}
	if err := n.readImages(ctx, c); err != nil {
		return err
	}
	n.log.Info("ingest done", "files", len(n.files), "rejected_files", n.count(fateRejected),
		"rejected_rows", len(n.rows), "seconds", c.Elapsed().Seconds())
	return nil
}

// each calls fn for every readable file of kind k (and, for records, one of
// the given tables), in path order.
func (n *night) each(k ingest.Kind, tables []records.Table, fn func(i int, f ingest.File)) {
	for i, f := range n.files {
		if f.Kind != k || f.Err != nil {
			continue
		}
		if tables != nil && !containsTable(tables, f.Table) {
			continue
		}
		fn(i, f)
	}
}

func containsTable(ts []records.Table, t records.Table) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// readSampleMaps merges every samples.tsv into one linker. A sample listed
// twice with different patients is linked to neither, and both files say so.
func (n *night) readSampleMaps(ctx context.Context, c *Counters) variants.Linker {
	merged := map[string]string{}
	conflicts := map[string]bool{}
	n.each(ingest.KindSampleMap, nil, func(i int, f ingest.File) {
		c.In.Add(1)
		m, rej, err := variants.ReadSampleMap(ctx, f.Abs)
		if err != nil {
			n.reject(i, err.Error())
			c.Rejected.Add(1)
			return
		}
		for _, r := range rej {
			n.rejectRow(f, r.Line, r.Reason)
		}
		for s, p := range m {
			if q, ok := merged[s]; ok && q != p {
				conflicts[s] = true
			}
			merged[s] = p
		}
		n.setFate(i, fateUsed, "")
		c.Out.Add(1)
	})
	if len(conflicts) > 0 {
		n.limits = append(n.limits, fmt.Sprintf(
			"%d samples are mapped to different patients by different sample maps and were "+
				"left unlinked", len(conflicts)))
	}
	return func(sample string) (string, bool) {
		if conflicts[sample] {
			return "", false
		}
		if p, ok := merged[sample]; ok {
			return p, true
		}
		// A sample named by the patient id itself links directly.
		return sample, n.patients[sample]
	}
}

// identity links a clinical annotation's barcode to the patient of that id,
// through the sample maps when they name it.
func identity(link variants.Linker) variants.Linker {
	return func(sample string) (string, bool) {
		if p, ok := link(sample); ok {
			return p, true
		}
		return sample, true
	}
}

// notePatients remembers the patient ids of a patients batch, so that
// samples named by a patient id link directly.
func (n *night) notePatients(rec arrow.Record) error {
	idx := rec.Schema().FieldIndices("patient_id")
	if len(idx) == 0 {
		return fmt.Errorf("pipeline: patients batch without patient_id")
	}
	col, ok := rec.Column(idx[0]).(*array.String)
	if !ok {
		return fmt.Errorf("pipeline: patients batch with a non-string patient_id")
	}
	for i := range col.Len() {
		if col.IsValid(i) {
			n.patients[col.Value(i)] = true
		}
	}
	return nil
}

func (n *night) readPatients(ctx context.Context, c *Counters, link variants.Linker,
	later *[]arrow.Record) error {
	err := n.readRecords(ctx, c, []records.Table{records.Patients})
	if err != nil {
		return err
	}
	n.each(ingest.KindClinical, nil, func(i int, f ingest.File) {
		c.In.Add(1)
		st, err := variants.ReadClinical(ctx, f.Abs, f.Path, identity(link),
			n.mem,
			func(table string, rec arrow.Record) error {
				if table == "observations" {
					rec.Retain()
					*later = append(*later, rec)
					return nil
				}
				return n.addRecord(records.Patients, rec)
			})
		n.settleVariants(c, i, f, st, err)
	})
	return nil
}

func (n *night) readConditions(ctx context.Context, c *Counters, _ variants.Linker,
	_ *[]arrow.Record) error {
	return n.readRecords(ctx, c, []records.Table{records.Conditions})
}

// readEvents reads observations and the tables no feature uses yet
// (encounters, medications), which are still checked row by row.
func (n *night) readEvents(ctx context.Context, c *Counters, _ variants.Linker,
	later *[]arrow.Record) error {
	for _, r := range *later {
		if err := n.builder.AddObservations(r); err != nil {
			return fmt.Errorf("pipeline: features: %w", err)
		}
	}
	if err := n.readRecords(ctx, c, []records.Table{records.Observations,
		records.Encounters, records.Medications}); err != nil {
		return err
	}
	n.each(ingest.KindRecords, nil, func(i int, f ingest.File) {
		if !f.Table.Read() {
			n.setFate(i, fateIgnored, fmt.Sprintf("records table %q is not used by clinfuse",
				string(f.Table)))
		}
	})
	return nil
}

// readRecords reads the records files of the given tables.
func (n *night) readRecords(ctx context.Context, c *Counters, tables []records.Table) error {
	var stop error
	n.each(ingest.KindRecords, tables, func(i int, f ingest.File) {
		if stop != nil {
			return
		}
		c.In.Add(1)
		st, err := records.Read(ctx, f.Abs, f.Path, n.mem,
			func(t records.Table, rec arrow.Record) error { return n.addRecord(t, rec) })
		if ctx.Err() != nil {
			stop = ctx.Err()
			return
		}
		for _, r := range st.Rejections {
			n.rejectRow(f, r.Line, r.Reason)
		}
		n.noteTruncated(f.Path, st.Rejected, len(st.Rejections))
		if err != nil {
			n.reject(i, err.Error())
			c.Rejected.Add(1)
			return
		}
		n.setFate(i, fateUsed, partial(st.Rejected))
		c.Out.Add(1)
	})
	return stop
}

func (n *night) addRecord(t records.Table, rec arrow.Record) error {
	switch t {
	case records.Patients:
		if err := n.notePatients(rec); err != nil {
			return err
		}
		return n.builder.AddPatients(rec)
	case records.Conditions:
		return n.builder.AddConditions(rec)
	case records.Observations:
		return n.builder.AddObservations(rec)
	}
	return nil
}

// readVariants reads VCF and MAF files into the features builder.
func (n *night) readVariants(ctx context.Context, c *Counters, link variants.Linker,
	_ *[]arrow.Record) error {
	n.each(ingest.KindVariants, nil, func(i int, f ingest.File) {
		c.In.Add(1)
		st, err := variants.Read(ctx, f.Abs, f.Path, link, n.mem,
			n.builder.AddVariantCalls)
		if err == nil {
			err = n.markGenomic(st, link)
		}
		n.settleVariants(c, i, f, st, err)
	})
	return ctx.Err()
}

// settleVariants records the fate of a variant or clinical file.
func (n *night) settleVariants(c *Counters, i int, f ingest.File, st variants.Stats, err error) {
	for _, r := range st.Rejections {
		n.rejectRow(f, r.Line, r.Reason)
	}
	n.noteTruncated(f.Path, st.Rejected, len(st.Rejections))
	switch {
	case err != nil:
		n.reject(i, err.Error())
		c.Rejected.Add(1)
		return
	case len(st.Samples) > 0 && len(st.Unlinked) == len(st.Samples):
		n.setFate(i, fateUnlinked, fmt.Sprintf("none of its %d samples links to a patient",
			len(st.Samples)))
	default:
		reason := partial(st.Rejected)
		if len(st.Unlinked) > 0 {
			reason = strings.TrimPrefix(reason+fmt.Sprintf("; %d of %d samples link to no patient",
				len(st.Unlinked), len(st.Samples)), "; ")
		}
		n.setFate(i, fateUsed, reason)
	}
	c.Out.Add(1)
}

func partial(rejected int64) string {
	if rejected == 0 {
		return ""
	}
	return fmt.Sprintf("%d rows rejected (listed with the rejected inputs)", rejected)
}

// noteTruncated records that a file had more rejected rows than its reader
// listed.
func (n *night) noteTruncated(path string, total int64, listed int) {
	if total > int64(listed) {
		n.limits = append(n.limits, fmt.Sprintf("%s: %d rows rejected, the first %d listed",
			path, total, listed))
	}
}

func (n *night) count(f string) int {
	k := 0
	for _, x := range n.fates {
		if x.Fate == f {
			k++
		}
	}
	return k
}

// markGenomic tells the features builder which patients a file's samples
// link to, so that a sample without calls still counts as genomic data.
func (n *night) markGenomic(st variants.Stats, link variants.Linker) error {
	for _, s := range st.Samples {
		if p, ok := link(s); ok {
			if err := n.builder.MarkGenomic(p); err != nil {
				return err
			}
		}
	}
	return nil
}
