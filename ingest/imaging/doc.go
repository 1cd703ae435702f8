// Package imaging reads DICOM images: it parses the header, decodes the
// pixel data of every frame into physical values, groups slices into
// series and resamples them onto the model's grid.
//
// # Input
//
// A DICOM Part 10 file (PS3.10 Section 7: 128-byte preamble, "DICM", file
// meta group 0002 in explicit VR little endian), or a dataset without
// preamble or file meta (ACR-NEMA style), whose encoding is then taken
// from its first element. The dataset may be implicit or explicit VR, little
// or big endian, or deflated (PS3.5 Section 10 and Annex A).
//
// Element parsing is this package's own. github.com/suyashkumar/dicom
// supplies the data dictionary (implicit VR needs it to tell sequences
// apart) and writes the synthetic files of the tests; its v1.1.0 parser
// rejects or misreads about a third of the reference files (padded or
// empty pixel data, UN sequences, big-endian undefined lengths, wrong meta
// group lengths) and reads a truncated one as a shorter image.
//
// # Tolerated deviations
//
// Readers in the field meet these; each is read the way the standard's
// intent makes unambiguous, and nothing else is guessed:
//   - a file meta group length that is wrong, or missing; a second meta
//     group inside the dataset (the first transfer syntax counts);
//   - a dataset whose explicit/implicit VR disagrees with its transfer
//     syntax, and sequence items written explicit inside implicit data
//     (detected from each item's first element and the dictionary);
//   - undefined-length UN elements, read as implicit VR little endian
//     sequences even in big-endian data (PS3.5 Section 6.2.2, CP-246);
//   - stray item or sequence delimiters, an item delimiter after a
//     defined-length item, a sequence delimiter closing an item, an item
//     whose sequence header is missing, a defined-length sequence whose
//     content is not items (skipped), a sequence delimiter with a non-zero
//     length, and a private sequence whose items run past its declared
//     length (the delimiters are trusted);
//   - a dictionary sequence attribute holding plain bytes in implicit VR;
//   - DS and IS values with inner spaces; odd-length or padded pixel data.
//
// # Pixel data
//
// Native pixel data is decoded for 1, 8, 12 (packed, as ACR-NEMA stores
// it), 16 and 32 bits allocated, with Bits Stored and High Bit honoured,
// signed or unsigned, planar or interleaved colour and native YBR 4:2:2.
// Encapsulated pixel data (PS3.5 Annex A.4) is assigned to frames by the
// Extended Offset Table, else the Basic Offset Table, else one frame or
// one fragment per frame, else each codec stream's start marker; offset
// tables that do not point at fragments are ignored. RLE Lossless and
// encapsulated uncompressed data are decoded in Go; JPEG (8- and 12-bit
// lossy, lossless processes 14 with any predictor), JPEG-LS (lossless and
// near-lossless), JPEG 2000 and High-Throughput JPEG 2000 through C
// libraries (package internal/codec; see Codecs). Video, JPIP, JPEG XL
// and JPEG 2000 Part 2 syntaxes are rejected as unsupported, as is every
// compressed syntax in a build without cgo or with the build tag
// clinfuse_nocodecs.
//
// Decoded samples are reduced to Bits Stored (two's complement when Pixel
// Representation is 1, also for codec output), colour is converted to RGB
// (YBR_FULL, YBR_FULL_422, YBR_PARTIAL_422; JPEG follows its JFIF or Adobe
// marker first; JPEG 2000 inverts its own component transform), palette
// colour is expanded, and monochrome values pass through the Modality LUT
// or Rescale Slope/Intercept, per frame where enhanced objects keep them in
// functional groups. MONOCHROME1 is inverted only by Resample.
//
// # Rejections and limits
//
// Every failure is a *FileError naming the file, classified by ErrNotDICOM,
// ErrMalformed, ErrUnsupported, ErrNotImage or ErrTooLarge; its text holds
// tags, offsets, sizes and transfer syntax UIDs but never patient data or
// instance UIDs. A file that ends inside anything it declares is rejected
// as truncated, also when a compressed stream ends before its image.
// Limits bound declared lengths, kept values, encoded and decoded sizes,
// frames, nesting and element counts. Every read runs behind a recover
// boundary, and a C library that fails one of its own assertions on a
// corrupt stream (OpenJPEG 2.5.0's High-Throughput decoder does) has the
// call rejected instead of aborting the process. Decode holds one decoded
// frame (as stored integers and as float32 values) plus the encoded pixel
// data: one frame of it for native data, read as it is decoded, all of it
// for encapsulated data and for bit-packed native data (1 and 12 bits).
//
// # Speed
//
// Native 16-bit monochrome frames with a linear Modality transform, most
// CT and MR, go from the file's bytes to float32 values in one pass, a
// chunk at a time as they are read: a C loop the compiler vectorises
// (package internal/codec), or, without cgo and for big-endian or shifted
// cells, a table of all 65536 cells kept between files. Both give exactly
// the general path's values. BenchmarkDecodeCT512 and
// bench/imaging_pydicom.py measure it against pydicom.
//
// # Known limits
//
// Float and double float pixel data, segmented palettes, JPEG frames whose
// stream is smaller than Rows x Columns (some whole-slide tiles), and
// hierarchical or arithmetic-coded 12-bit JPEG are rejected. RT Dose Grid
// Scaling is not applied (it is not a Modality LUT); VOI LUT sequences are
// not read (Meta carries the first window only). Elements after the pixel
// data are not read.
package imaging
