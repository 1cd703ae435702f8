package reports

import (
	"encoding/csv"
	"io"
	"strings"
)

// writeRisksCSV writes risks.csv: the columns of schemas.Risks in order,
// one row per patient and target, sorted by patient id and target. Numbers
// use the shortest decimal form that reads back exactly (no exponent);
// text goes through csvText.
func writeRisksCSV(w io.Writer, r *Run) error {
	cw := csv.NewWriter(w)
	header := []string{"patient_id", "target", "risk", "risk_low", "risk_high", "band",
		"status", "modalities", "driver"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range r.Risks {
		k := &r.Risks[i]
		rec := []string{
			csvText(k.PatientID), csvText(k.Target), formatFloat(k.Risk),
			formatFloat(k.Low), formatFloat(k.High), csvText(k.Band), k.Status,
			csvText(strings.Join(k.Modalities, "+")), csvText(k.Driver),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
