// Package reports writes the outputs of a clinfuse run and checks them
// again for verify.
//
// # Outputs
//
// Write turns a Run into these files of one output folder, in this order:
//
//	risks.csv              the columns of schemas.Risks, one row per patient
//	                       and target, sorted by patient id then target
//	risks.parquet          schemas.Risks, same rows and order
//	contributions.parquet  schemas.Contributions, by patient, target, modality
//	embeddings.parquet     schemas.Embeddings, by patient and modality
//	edges.parquet          schemas.Edges, by source, target and weight
//	rejected.parquet       schemas.Rejected, by file and line (null line: the
//	                       whole file)
//	report.xlsx            the clinician workbook (below)
//	manifest.json          the audit manifest (see Manifest), always last
//
// Each file is written under a hidden temporary name in the output folder,
// synced, and renamed into place only when all are complete; any old
// manifest.json is removed before the first rename and the new one is
// renamed last, so a folder holds a finished run exactly when it holds
// manifest.json, and a failed Write leaves no file that looks finished.
// Files are created with mode 0600 and a missing folder with mode 0700.
//
// # Determinism
//
// Everything Write produces except the manifest's "timings" section is a
// function of the Run's content alone: slices whose order carries no
// meaning (inputs, rejections, risks, quality, calibration points,
// completeness, embeddings, edges, contributions, limits, a risk's
// modalities and similar patients) are sorted first; floats in text are
// written in their shortest exact decimal form; the workbook's parts are
// written in a fixed order with a fixed time stamp and fixed document
// properties; the Parquet files carry no time. The machine (Platform) and
// the export folder appear only in the manifest. The run id must itself be
// deterministic; an empty one is derived by DeriveRunID.
//
// # The workbook
//
// report.xlsx is written with excelize's streaming writer, so memory stays
// flat in the number of rows. Its sheets:
//
//	Risks            one row per undiagnosed patient and target, highest risk
//	                 first: patient id, target, risk (percent) with its 95%
//	                 interval, band (coloured by conditional formats on the
//	                 numeric risk: lowest band green, highest red, others
//	                 amber), age, sex, the modality that drove the score,
//	                 the data available, and the configured number (at most
//	                 5) of most similar reference patients with their
//	                 outcome and similarity; frozen header, filters, fitted
//	                 widths
//	Diagnosed        the same columns (without similar patients) for the
//	                 patients already carrying a target, by target and id
//	Summary          undiagnosed patients per band and target, data
//	                 completeness, the risk distribution and the calibration
//	                 curve on validation data, each with a chart
//	Model quality    AUROC, AUPRC, Brier score and calibration error with
//	                 95% intervals per target and head, and what the model
//	                 was trained on
//	Rejected inputs  every rejected file or row with stage and reason
//	Audit            run id, tool version and build, config digest, seed,
//	                 model digest, input counts and digest, limits, stage
//	                 counts, the digests of the outputs written before the
//	                 workbook, and every input file with its fate
//
// Text that comes from inputs is never a formula: every text cell is a
// string cell with the text number format "@" (so Excel keeps it as text
// even when the cell is edited), whatever its first character (=, +, -, @
// included). Tabs and line breaks become spaces; other control characters
// and invalid UTF-8 are removed or replaced; a text longer than Excel's
// limit of 32,767 characters is cut and ends with a note saying so, and
// the Audit sheet and the manifest count the cut cells. Conditional
// formats and chart ranges are built from numbers and fixed sheet names
// only.
//
// risks.csv follows the same cleaning and, as the OWASP advice on CSV
// injection suggests, prefixes with an apostrophe a text field starting
// with =, +, - or @; the Parquet files keep such text exactly.
//
// # Verify
//
// ReadManifest, CheckInputs, CompareOutputs and CompareManifests are the
// parts of "clinfuse verify": the inputs must hash as recorded, and a re-run
// must reproduce every output byte for byte; each reports the first
// difference, naming the file.
//
// # Limits
//
// The workbook's compressed parts are held in memory until the archive is
// written (about 5 MB per 100,000 risk rows), and excelize keeps up to
// 16 MB of a streamed sheet in memory (its buffer may grow to twice that)
// before spilling to a temporary file, which is made in the output folder
// and removed before Write returns. Writing a 100,000-row Risks sheet
// peaks near 170 MB of resident memory, the Run's own 40 MB included.
//
// Excel and LibreOffice show the ST_Xstring escape _xHHHH_ in text as
// written (excelize escapes it); openpyxl reads inline strings without
// undoing that escape, so such text looks different there.
//
// Parquet files are written with Arrow's Go writer, Snappy compressed,
// row groups of 16,384 rows; readers need Snappy and, for embeddings, list
// support (pandas with pyarrow, DuckDB and Spark have both).
package reports
