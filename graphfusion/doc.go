// Package graphfusion fuses per-modality patient embeddings into a
// diagnosis risk, with a patient graph and graph convolution at its heart
// and simpler fusion heads beside it for comparison.
//
// # Data
//
// A Dataset holds, per patient, an identifier, one embedding per view
// (modality) with a presence flag, a phenotype (sex, site, age) and a
// positive-unlabelled label (1 diagnosed, 0 undiagnosed). Any view may be
// missing for any patient. Every head standardises each view with the
// training patients' mean and standard deviation, fills a missing view with
// zeros and appends a missing indicator that the model weights (a learnt
// fill); during training each present view of a training patient is hidden
// with probability ModelConfig.ModalityDropout (one view always stays).
//
// # Heads
//
//   - "graph": each view has a linear branch whose per-patient evidence is
//     propagated over the patient graph with an initial residual,
//     (1-α)·Â·(X_v·w_v) + α·X_v·w_v with α = Options.Residual (0 keeps
//     the default, 0.8); the risk logit is the sum
//     of the view branches over the graph, and each branch is trained with
//     its own class-weighted loss (so that a patient missing views is
//     scored from those present). Its fused representation is the views
//     (standardised, with their missing indicators) after the same
//     propagation, (1-α)·Â·X_v + α·X_v, concatenated: the features whose
//     linear read-out gives the logit.
//   - "early": concatenated views and missing indicators into a one hidden
//     layer network (ModelConfig.Hidden units, ReLU, dropout).
//   - "late": one logistic model per view; the logit is their sum.
//   - "attention": per-view ReLU tokens, attention weights over the present
//     views from a learnt query, a weighted token sum into a logistic output.
//   - a view name: a logistic model on that view alone.
//
// The fused representation is, for the other heads: early, the hidden
// layer; late, the view logits; attention, the pooled token; a view, its
// logit.
//
// # Patient graph
//
// Nodes are patients. The similarity of two patients is the cosine of their
// concatenated standardised present views (a missing view contributes zero),
// multiplied by GraphConfig.SexWeight when both sexes are known and differ,
// by AgeWeight when both ages are known and fall in different AgeBand-year
// bands, and by SiteWeight when both sites are known and differ. Each
// reference patient links to its K most similar other reference patients
// (ties to the lower index), edges with weight <= 0 are dropped, the graph
// is symmetrised with the larger weight, and Â = D^-1/2 (A+I) D^-1/2 with
// D the weighted degree plus one. Â is stored in compressed sparse rows, so
// memory grows with edges, not with the square of the patients.
//
// Scoring is inductive: a scored patient links to its K most similar
// reference patients only; its row of Â is w/sqrt(d·d_j) with d one plus its
// edge weights and d_j the reference degree, plus 1/d on itself. Reference
// rows never include scored patients, so a patient's risk does not depend on
// who else is scored.
//
// # Training and scoring
//
// Fit trains a K-fold ensemble. A patient's fold is a seeded hash of its
// identifier; fold model k trains on the other folds. With
// ModelConfig.ValidationFraction above 0, a validation part of them (a
// second seeded hash below that fraction) decides early stopping
// (validation loss, ModelConfig.Patience) and the rest is trained on; with
// 0, fold model k trains on all of them for ModelConfig.Epochs epochs. The
// patients it trains on are fold model k's reference population. Losses
// are weighted so both classes weigh the same; Adam with L2 weight decay
// (ModelConfig.FusionWeightDecay) on the weights that read the inputs, not
// on biases nor on the later layers of the early and attention heads (on a
// product of layers a penalty on every factor acts as a threshold that can
// zero the head); dropout ModelConfig.FusionDropout. Weights start from a
// seeded Glorot draw and dropout masks are drawn from a seeded source, so a
// fit is identical for a seed whatever the worker count or GOMAXPROCS.
//
// Calibration is Platt scaling (a slope and an offset on the logit, the
// slope never negative) fitted on the held-out logits of every training
// patient, each from the fold model that did not train on it; the same map
// serves every fold model. The 95% interval of a risk is the 2.5 and 97.5
// percentiles of the risk under 200 Platt fits on bootstrap resamples of
// those held-out logits: it expresses calibration uncertainty, not the
// uncertainty of the fused model's weights. Calibration targets the
// recorded diagnoses, so with positive-unlabelled labels a risk estimates
// the chance of a recorded diagnosis, lower than the chance of disease.
//
// A patient whose identifier was in training is scored by the fold model
// that held it out; a new identifier gets the mean risk over fold models.
// A view's contribution is the risk with all present views minus the risk
// with that view withheld (scored again as missing, graph links included).
//
// # Benchmarks
//
// BenchCora trains the published two-layer GCN with its published settings.
// BenchMOGONET selects the graph head's settings on the training split
// only, never on the test split. The grid is declared in the code before
// any test result was seen: stage one crosses FusionWeightDecay in
// {1, 0.3, 0.1, 0.03} with α in {0.8, 0.5, 0.2} at K 10, 300 epochs,
// patience 40, no dropout (12 candidates); stage two varies the stage-one
// winner one setting at a time: K 5, K 20, 150 epochs with patience 20,
// 600 epochs with patience 80, FusionDropout 0.3 (5 candidates). Fixed
// throughout: five fold models, 20% of each fold model's patients for
// early stopping on validation loss, Adam lr 0.01. Each candidate is
// scored by stratified 5-fold cross-validation on the training patients
// (folds and fits seeded by a fixed selection seed): fitted on four
// folds, the fifth scored as new patients, the score the mean AUC over
// the five. The highest score over both stages wins; a tie goes to the
// earlier candidate in the order above. The winner is refitted on the
// whole training split for each benchmark seed, and each fit scores the
// test split once. The selection is shared by the seeds, since it depends
// on the training split alone: the spread over seeds is that of the final
// fit, not of the selection. The L2 logistic baselines are reported with
// the fixed inverse strength C = 0.01 and with C chosen from
// {0.001, 0.003, 0.01, 0.03, 0.1, 0.3} by the same cross-validation (a tie
// goes to the smaller C).
//
// # Known limits
//
// Fused representations of new patients are the mean over fold models; for
// the early and attention heads hidden units are not aligned across fold
// models, so that mean is a summary, not a representation of one model.
// When the training patients lack a class, calibration is the identity (the
// interval collapses to the point). Calibrating on held-out logits of the
// same patients whose risks are reported fits two parameters on all of
// them: a slight optimism in the reported calibration of those patients.
package graphfusion

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia needs it on Go 1.26
