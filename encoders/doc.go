// Package encoders turns each patient's modalities into fixed-width
// embeddings: a convolutional network for imaging studies and perceptrons for
// record and gene-burden features, trained with gorgonia on every patient,
// labelled or not.
//
// # Inputs and normalisation
//
// Fit takes one row per patient and modality (Inputs); a nil row is a missing
// modality, and a modality no patient has gets no encoder. Studies are
// slices x rows x cols floats in [0, 1] (NaN counts as 0, values outside are
// clipped). Record features are standardised with the mean and standard
// deviation of the patients given to Fit (no label is used, so all of them
// are); columns holding only 0 and 1 are indicators and pass through
// unchanged; NaN (a missing value) becomes the mean, that is 0. Gene burdens
// are compressed with sign(x)*log(1+|x|) and then standardised the same way.
// Every standardised value is clipped to [-8, 8], so extreme or infinite
// values cannot saturate a layer. Encode applies the fitted statistics.
//
// # Networks
//
// Records and variants: in -> Hidden (ReLU, dropout) -> EmbeddingWidth.
// Imaging: each slice goes through three 3x3 convolutions of stride 2 and
// padding 1 with ReLU (Hidden/4, Hidden/2 and Hidden channels), is flattened,
// dropped out, and projected to EmbeddingWidth; the study's embedding is the
// mean over its slices, with weights shared across slices. Weights start from
// He or Glorot uniform draws of a PCG stream seeded by Options.Seed; biases
// start at 0.
//
// The convolutions are the package's own gorgonia Ops: the column matrix of
// each image (im2col) is a node of its own, shared by the forward product and
// the filter gradient; products run on a packed float32 micro-kernel (AVX2
// and FMA assembly on amd64 when the processor has them, portable Go
// otherwise), spread over Options.Workers goroutines by image. Every sum
// runs in a fixed order, so results are identical for any worker count and
// GOMAXPROCS on one machine; the assembly and portable kernels round
// differently, so two machines of which only one has AVX2 and FMA give
// slightly different weights.
//
// # Training
//
// Training runs Model.PretrainEpochs passes of Adam (Model.LearningRate,
// L2 penalty Model.WeightDecay) over batches of up to 32 patients; the
// number of steps is PretrainEpochs times the batches in all patients with
// data, whichever objective runs, so that objectives are compared at equal
// cost. Model.Epochs and Model.Patience belong to the fusion heads and are
// not used here. The objective is the sum of:
//
//   - with Options.Pretrain, per view, a denoising autoencoder: the encoder
//     sees a corrupted row (features: 20% set to the mean, Gaussian noise of
//     0.1 SD on the rest; studies: square patches covering about 20% of each
//     slice set to 0, uniform noise of 0.05) and a decoder (the mirrored
//     perceptron, or a linear layer and three transposed convolutions) must
//     rebuild the clean row; the squared error is divided by the row length
//     and the variance of the view's inputs, over the patients that have it;
//   - with Options.Pretrain and at least two views, for every pair of views a
//     symmetric InfoNCE loss (weight 2, temperature 0.2) between linear
//     projections of the two embeddings of the same patients, each patient's
//     pair being the positive and the other patients of the batch the
//     negatives;
//   - with a Supervision, the binary cross-entropy of a fused logit (the mean
//     of one logistic head per view over the views shown) against the label,
//     on the patients with Train set.
//
// Studies are augmented at every step, with one transform per study: flips
// of rows and of columns with probability 1/2 each, a shift of up to 1/16 of
// the side, and an intensity jitter v' = clip(g*v + b) with g in [0.9, 1.1]
// and b in [-0.05, 0.05]. Modality dropout hides each present view of a
// patient from the InfoNCE and supervised terms with probability
// Model.ModalityDropout, always leaving at least one. Without Pretrain and
// without Supervision (or with fewer than two patients to learn from, or no
// epochs) the encoders keep their initial weights: a seeded random
// projection. The decoders, projections and heads are discarded after Fit.
//
// # Outputs
//
// Encode gives, per view, a width-EmbeddingWidth vector per patient (zeros,
// with Present false, where the patient lacks the modality). It runs a graph
// of a fixed 32 rows and pads short batches, so a patient's embedding never
// depends on which other patients are encoded with it.
//
// # Saved form
//
// MarshalBinary writes the magic "CFENCSET", the format version (1) and the
// header length as little-endian uint32, a JSON header (width, study shape,
// per view its architecture, statistics and weight names and shapes), every
// weight as little-endian float32, and the SHA-256 of all that. The bytes
// depend only on the fitted set. UnmarshalSet refuses other versions
// (ErrUnsupported), damaged or foreign bytes (ErrInvalidInput) and weights
// that do not fit the declared architecture (ErrShapeMismatch).
//
// # Errors
//
// Every error wraps ErrInvalidInput, ErrUnsupported or ErrShapeMismatch (or
// the context's error); messages name patients by their position in Inputs,
// never by identifier.
package encoders

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia needs it on Go 1.26
