// Package pipeline runs a night: it joins the stages of DESIGN.md (inventory,
// ingest, features, encode, fuse, report) into one run over an export, and
// provides the worker pool the parallel stages share.
//
// Stages that work file by file run on a pool of workers joined by bounded
// queues (Map): results are handed on in input order, so outputs never depend
// on the number of workers; at most a fixed window of finished items waits,
// so a slow consumer slows the producers instead of filling memory; every item
// runs behind a recover boundary, so one failing item never stops a stage.
// A stage that cannot go on returns an error, the context is cancelled and
// the run stops cleanly without leaving a finished-looking report.
//
// Only this package and cmd/clinfuse log. Log lines carry the run id, counts,
// digests and durations, never patient identifiers, names, dates of birth,
// UIDs or paths inside the export.
package pipeline

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia on Go 1.26
