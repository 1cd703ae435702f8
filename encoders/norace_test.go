//go:build !race

package encoders

// raceDetector is true when the tests run under the race detector, which
// slows the training loops about tenfold.
const raceDetector = false
