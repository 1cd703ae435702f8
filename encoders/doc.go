// Package encoders turns each patient's modalities into fixed-width
// embeddings: a convolutional network for imaging studies and linear or
// one-hidden-layer projectors for record and gene-burden features, trained
// with gorgonia on every patient, labelled or not.
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
// Every encoder is a descriptor followed by a projector to EmbeddingWidth.
// The projector is linear when Model.EncoderHidden is 0, else it has one
// hidden layer of that width (ReLU, dropout Model.Dropout). Records and
// variants: the descriptor is the normalised row itself. Imaging: each slice
// goes through a trunk of three 3x3 convolutions of stride 2 and padding 1
// with ReLU (Hidden/4, Hidden/2 and Hidden channels); every feature map is
// averaged over its positions, the averages of the three maps are
// concatenated, standardised with the mean and standard deviation over the
// studies given to Fit (computed once, before training, and saved) and
// averaged over the study's slices. Global averaging makes the descriptor
// independent of where the anatomy lies on the grid and keeps tissue
// density, which a flattened map buries under position and shape. Weights
// start from He or Glorot uniform draws of a PCG stream seeded by
// Options.Seed, biases at 0, except the trunk's first layer: its filters
// are non-negative and channel k's bias is -t_k times the filter's sum,
// with t_k = (k+1/2)/channels, so that each channel responds to local
// intensity above its own threshold, like a bank of windows.
//
// The trunk learns only from a supervised objective without pretraining;
// otherwise it keeps its seeded weights (a random-feature trunk) and the
// objectives train the projector (see Known limits).
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
//   - with Options.Pretrain, per view, a denoising autoencoder on the
//     descriptor: the projector sees (descriptor + noise) * keep, with
//     noise of 0.1 SD and keep 0 for a random 20% of the values (hidden at
//     their mean), and a decoder (the mirrored projector) must rebuild the
//     clean descriptor; the squared error is divided by the descriptor
//     length and the variance of the view's descriptors, over the patients
//     that have it; a linear projector so learns the descriptor's leading
//     principal subspace;
//   - with Options.Pretrain and studies of at least two slices, weighted by
//     Model.SliceContrastWeight, a symmetric InfoNCE loss (temperature 0.2)
//     between linear projections of the embeddings of the even and of the
//     odd slices of each study, the other studies of the batch being the
//     negatives: the embedding keeps what a study's slices share (tissue
//     density, body habitus) rather than what varies from slice to slice;
//   - with Options.Pretrain and at least two views, weighted by
//     Model.ContrastiveWeight for every pair of views, a symmetric InfoNCE
//     loss between linear projections of the two embeddings of the same
//     patients;
//   - with a Supervision, the binary cross-entropy of a fused logit (the mean
//     of one logistic head per view over the views shown) against the label,
//     on the patients with Train set.
//
// Studies are augmented at every step: the even and the odd slices of a
// study each get their own flips of rows and of columns (probability 1/2
// each) and shift of up to 1/16 of the side. Intensities are not jittered:
// after windowing they are densities, the signal. Modality dropout hides
// each present view of a patient from the cross-modal InfoNCE and
// supervised terms with probability Model.ModalityDropout, always leaving
// at least one. Without Pretrain and without Supervision (or with fewer
// than two patients to learn from, or no epochs) the encoders keep their
// initial weights: a seeded random projection of the descriptor. The
// decoders, projection heads and logistic heads are discarded after Fit.
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
// MarshalBinary writes the magic "CFENCSET", the format version (2) and the
// header length as little-endian uint32, a JSON header (width, study shape,
// per view its architecture, statistics and weight names and shapes), every
// weight as little-endian float32, and the SHA-256 of all that. The bytes
// depend only on the fitted set. UnmarshalSet refuses other versions
// (ErrUnsupported), damaged or foreign bytes (ErrInvalidInput) and weights
// that do not fit the declared architecture (ErrShapeMismatch). The image
// view's descriptor statistics are saved among its weights
// (imaging.desc.mean and imaging.desc.scale).
//
// # Known limits
//
// The image trunk is not learnt from unlabelled studies: the
// self-supervised objectives tried here (a pixel autoencoder, the slice
// contrast) made its pooled features worse for tissue density, so
// pretraining shapes only the projector. The cross-modal InfoNCE term is
// off by default (ContrastiveWeight 0): on synthetic exports it pulled the
// records embedding towards what records share with images (body size,
// through BMI and weight) and lowered the fused held-out AUROC.
//
// # Errors
//
// Every error wraps ErrInvalidInput, ErrUnsupported or ErrShapeMismatch (or
// the context's error); messages name patients by their position in Inputs,
// never by identifier.
package encoders

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia needs it on Go 1.26
