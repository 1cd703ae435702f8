// Package synth writes synthetic hospital exports that follow the export
// contract of DESIGN.md, with a known signal planted for one target diagnosis
// (type 2 diabetes, SNOMED-CT 44054006).
//
// Every patient carries three hidden factors, one per modality, each
// standard normal; they share a common component (any two correlate by 0.2)
// so that a patient's modalities agree with each other:
//
//   - imaging: the density of a soft-tissue "organ" ellipse inside the body on
//     CT-like slices (lower density with a higher factor, as in a fatty
//     liver), against body size, position and noise that carry no signal;
//   - records: HbA1c, fasting glucose, triglycerides, HDL and BMI shift with
//     the factor, measured at several visits with noise;
//   - genomics: the chance of carrying alternate alleles at sites in a panel
//     of risk genes rises with the factor, among background variants in
//     other genes.
//
// The disease liability is the sum of the three factors, a small age effect
// and noise; the patients with the highest liability are diseased. No single
// modality explains the disease: each factor alone ranks diseased above
// healthy patients only moderately well, all three together much better.
// Only part of the diseased patients have the diagnosis recorded, as in a
// hospital where many are not yet diagnosed; after a recorded onset their
// HbA1c rises further, so that a pipeline which lets data after onset into
// its features learns a signal that does not transfer.
//
// The hidden truth (diseased or not, the factors, which modalities exist) is
// written to a separate file, never inside the export.
//
// All randomness comes from the seed: the same options give byte-identical
// files. Names, identifiers and dates are invented.
package synth
