package graphfusion

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"
)

// foldOut is what one fold model gives for one patient variant.
type foldOut struct {
	z     float64
	fused []float64
	links []link
}

// Score scores ds inductively (see the package doc). It is deterministic
// and a patient's outputs do not depend on the other patients in ds.
func (m *Model) Score(ctx context.Context, ds Dataset) (*Scores, error) {
	ps, _, err := rows(ds, false, m.widths)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(viewNames(ds), m.names) {
		return nil, fmt.Errorf("%w: views %q do not match the model's %q",
			ErrInvalidInput, viewNames(ds), m.names)
	}
	variants, owner := expand(ps)
	outs := make([][]foldOut, len(m.folds)) // [fold][variant]
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(m.opt.Workers, 1))
	for k := range m.folds {
		g.Go(func() error {
			var err error
			outs[k], err = m.scoreFold(gctx, k, variants, owner)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return m.combine(ps, variants, owner, outs), nil
}

// expand lists every patient followed by one copy per present view with
// that view withheld; owner[j] is variant j's patient.
func expand(ps []patient) ([]patient, []int) {
	var vs []patient
	var owner []int
	for i, p := range ps {
		vs, owner = append(vs, p), append(owner, i)
		for v, ok := range p.present {
			if ok {
				vs, owner = append(vs, p.withheld(v)), append(owner, i)
			}
		}
	}
	return vs, owner
}

// folds returns the fold models that score patient p.
func (m *Model) foldsFor(id string) []int {
	if k, ok := m.trainFold[id]; ok {
		return []int{k}
	}
	all := make([]int, len(m.folds))
	for k := range all {
		all[k] = k
	}
	return all
}

// scoreFold runs fold model k on the variants of the patients it scores;
// other variants get a nil entry.
func (m *Model) scoreFold(ctx context.Context, k int, vs []patient,
	owner []int) ([]foldOut, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := m.folds[k]
	var idx []int
	var sel []patient
	for j, p := range vs {
		if slices.Contains(m.foldsFor(p.id), k) {
			idx, sel = append(idx, j), append(sel, p)
		}
	}
	out := make([]foldOut, len(vs))
	if len(sel) == 0 {
		return out, nil
	}
	links := f.links(m.opt, sel, f.std.features(sel))
	z, fused, err := predict(m.spec, f.params, m.inputsFor(f, sel, links))
	if err != nil {
		return nil, fmt.Errorf("graphfusion: scoring with fold %d: %w", k, err)
	}
	for t, j := range idx {
		out[j] = foldOut{z: z[t], fused: fused[t], links: links[t]}
	}
	return out, nil
}

func (m *Model) combine(ps []patient, vs []patient, owner []int, outs [][]foldOut) *Scores {
	n := len(ps)
	s := &Scores{Risk: make([]float64, n), Low: make([]float64, n), High: make([]float64, n),
		Contrib: make([][]float64, n), Used: make([][]bool, n), Similar: make([][]Neighbour, n),
		Fused: make([][]float32, n)}
	j := 0
	for i, p := range ps {
		ks := m.foldsFor(p.id)
		s.Risk[i] = m.risk(ks, outs, j)
		s.Low[i], s.High[i] = m.interval(ks, outs, j)
		s.Used[i] = slices.Clone(p.present)
		s.Contrib[i] = make([]float64, len(p.present))
		s.Fused[i] = meanFused(ks, outs, j)
		s.Similar[i] = m.similar(ks, outs, j)
		for _, nb := range s.Similar[i] {
			s.Edges = append(s.Edges, Edge{From: p.id, To: nb.ID, Weight: nb.Similarity})
		}
		j++
		for v, ok := range p.present {
			if ok {
				s.Contrib[i][v] = s.Risk[i] - m.risk(ks, outs, j)
				j++
			}
		}
	}
	return s
}

func (m *Model) risk(ks []int, outs [][]foldOut, j int) float64 {
	r := 0.0
	for _, k := range ks {
		r += m.folds[k].cal.apply(outs[k][j].z)
	}
	return r / float64(len(ks))
}

// interval is the 2.5 and 97.5 percentiles of the risk under the bootstrap
// calibrations, averaged over the scoring fold models resample by resample.
func (m *Model) interval(ks []int, outs [][]foldOut, j int) (float64, float64) {
	rs := make([]float64, bootstraps)
	for b := range rs {
		for _, k := range ks {
			rs[b] += m.folds[k].boot[b].apply(outs[k][j].z)
		}
		rs[b] /= float64(len(ks))
	}
	return percentile(rs, 0.025), percentile(rs, 0.975)
}

func meanFused(ks []int, outs [][]foldOut, j int) []float32 {
	acc := make([]float64, len(outs[ks[0]][j].fused))
	for _, k := range ks {
		for d, x := range outs[k][j].fused {
			acc[d] += x
		}
	}
	f := make([]float32, len(acc))
	for d, x := range acc {
		f[d] = float32(x / float64(len(ks)))
	}
	return f
}

// similar merges the scoring fold models' links: a reference patient found
// by several keeps its largest weight; the K largest are returned.
func (m *Model) similar(ks []int, outs [][]foldOut, j int) []Neighbour {
	best := map[string]Neighbour{}
	for _, k := range ks {
		ref := m.folds[k].ref
		for _, l := range outs[k][j].links {
			id := ref.ids[l.To]
			if nb, ok := best[id]; !ok || l.Weight > nb.Similarity {
				best[id] = Neighbour{ID: id, Similarity: l.Weight, Label: ref.y[l.To]}
			}
		}
	}
	nbs := make([]Neighbour, 0, len(best))
	for _, nb := range best {
		nbs = append(nbs, nb)
	}
	slices.SortFunc(nbs, func(a, b Neighbour) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return nbs[:min(len(nbs), m.opt.Graph.K)]
}
