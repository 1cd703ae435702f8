package schemas

import "github.com/apache/arrow/go/v17/arrow"

// Risks is the main output table: one row per patient and target.
//
//	patient_id  patient identifier
//	target      target name from the configuration
//	risk        calibrated probability in [0,1]
//	risk_low    lower end of the 95% interval
//	risk_high   upper end of the 95% interval
//	band        risk band name from the configuration
//	status      diagnosed (the target is already recorded) or undiagnosed
//	modalities  the modalities the risk used, "+"-joined in fixed order
//	driver      the modality whose withholding changes the risk most
var Risks = newSchema("risks", 1,
	field("patient_id", str, false),
	field("target", str, false),
	field("risk", f64, false),
	field("risk_low", f64, false),
	field("risk_high", f64, false),
	field("band", str, false),
	field("status", str, false),
	field("modalities", str, false),
	field("driver", str, false),
)

// Contributions holds, per patient, target and modality, the change in risk
// when that modality is withheld (risk with all minus risk without).
var Contributions = newSchema("contributions", 1,
	field("patient_id", str, false),
	field("target", str, false),
	field("modality", str, false),
	field("contribution", f64, false),
)

// Embeddings holds each patient's embedding per modality and the fused one.
var Embeddings = newSchema("embeddings", 1,
	field("patient_id", str, false),
	field("modality", str, false),
	field("embedding", arrow.ListOf(f32), false),
)

// Edges holds the patient graph, one row per directed edge with its weight
// before normalisation.
var Edges = newSchema("edges", 1,
	field("source_patient", str, false),
	field("target_patient", str, false),
	field("weight", f64, false),
)

// Rejected lists every rejected input: a whole file (line null) or one row.
//
//	file    export-relative path
//	line    1-based line or record number, null for a whole file
//	stage   the stage that rejected it
//	reason  why, in words naming the problem
var Rejected = newSchema("rejected", 1,
	field("file", str, false),
	field("line", i64, true),
	field("stage", str, false),
	field("reason", str, false),
)
