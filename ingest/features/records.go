package features

// recordMatrix builds target t's records features for the patients ids;
// end is the exclusive end of the AsOf day. With training set, undiagnosed
// patients' rows stop at their index date instead of AsOf.
func (b *Builder) recordMatrix(ids []string, t int, vocab []int32, end int64,
	training bool) Matrix {
	tg := b.cfg.Targets[t]
	var cols []int32 // vocabulary codes kept for this target
	for _, c := range vocab {
		if !tg.Matches(b.codes.keys[c].Code) {
			cols = append(cols, c)
		}
	}
	m := Matrix{Names: b.recordNames(cols), Rows: make([][]float64, len(ids))}
	for i, id := range ids {
		p := b.pats[id]
		g := p.group[t]
		if training {
			g = p.tgroup[t]
		}
		m.Rows[i] = b.recordRow(p, t, g, cols, end, len(m.Names))
	}
	return m
}

// recordNames lists the records feature names; see the package doc.
func (b *Builder) recordNames(cols []int32) []string {
	names := []string{"age_years", "age_missing",
		"sex_female", "sex_male", "sex_other", "sex_missing"}
	for _, l := range b.cfg.Labs {
		p := "lab:" + l.Name + ":"
		names = append(names, p+"latest", p+"trend_per_year", p+"count",
			p+"years_since_latest", p+"missing", p+"trend_missing")
	}
	names = append(names, "conditions:count")
	for _, c := range cols {
		names = append(names, "condition:"+b.codes.keys[c].String())
	}
	return names
}

// recordRow is p's records features for target t at cut-off group g.
func (b *Builder) recordRow(p *patient, t int, g int32, cols []int32, end int64,
	width int) []float64 {
	ref := min(p.cuts[g], end)
	row := make([]float64, 0, width)
	row = appendValue(row, p.age(ref))
	row = append(row, flag(p.sex == "F"), flag(p.sex == "M"), flag(p.sex == "O"),
		flag(p.sex != "F" && p.sex != "M" && p.sex != "O"))
	for l := range b.cfg.Labs {
		var a labAcc
		if p.labs[g] != nil {
			a = p.labs[g][l]
		}
		row = appendLab(row, &a, ref)
	}
	return b.appendConditions(row, p, t, cols, ref)
}

// appendValue appends v and its missing indicator (v is missing when NaN).
func appendValue(row []float64, v float64) []float64 {
	if v != v {
		return append(row, 0, 1)
	}
	return append(row, v, 0)
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// appendLab appends latest, trend, count, years since latest, missing and
// trend-missing.
func appendLab(row []float64, a *labAcc, ref int64) []float64 {
	last, ok := a.latest()
	if !ok {
		return append(row, 0, 0, 0, 0, 1, 1)
	}
	tr, tok := a.trend()
	since := float64(ref-last.t) / msPerYear
	return append(row, last.v, tr, float64(a.count), since, 0, flag(!tok))
}

// appendConditions appends the count of distinct non-target codes and one
// indicator per vocabulary column, for conditions started before ref.
func (b *Builder) appendConditions(row []float64, p *patient, t int, cols []int32,
	ref int64) []float64 {
	tg := b.cfg.Targets[t]
	n := 0
	for c, start := range p.conds {
		if start < ref && !tg.Matches(b.codes.keys[c].Code) {
			n++
		}
	}
	row = append(row, float64(n))
	for _, c := range cols {
		start, ok := p.conds[c]
		row = append(row, flag(ok && start < ref))
	}
	return row
}
