package encoders

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels (AVX2 with FMA). Without it the
// portable kernels run; the two round differently (fused multiply-add and
// lane order), so results are reproducible on one machine but not across
// machines of the two kinds.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The assembly kernels; the pointers address the first elements.
//
//go:noescape
func kernelAVX2(k int, a, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kernelNTAVX2(p int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gatherEvenAVX2(dst, src *float32, groups int)

//go:noescape
func scatterAddEvenAVX2(dst, src *float32, groups int)

//go:noescape
func biasReLUAVX2(y *float32, n int, b float32)

// biasReLU sets y[i] = max(y[i]+b, 0).
func biasReLU(y []float32, b float32) {
	groups := 0
	if useAVX2 {
		if groups = len(y) / 8; groups > 0 {
			biasReLUAVX2(&y[0], groups, b)
		}
	}
	biasReLUGo(y[8*groups:], b)
}

//go:noescape
func reluGradAVX2(y, dy, out *float32, n int)

// reluGrad sets out[i] = dy[i] where y[i] > 0, else 0.
func reluGrad(y, dy, out []float32) {
	groups := 0
	if useAVX2 {
		if groups = min(len(y), len(dy), len(out)) / 8; groups > 0 {
			reluGradAVX2(&y[0], &dy[0], &out[0], groups)
		}
	}
	reluGradGo(y[8*groups:], dy[8*groups:], out[8*groups:])
}

func kernel(k int, a, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if useAVX2 {
		kernelAVX2(k, &a[0], &b[0], ldb, &c[0], ldc, acc)
		return
	}
	kernelGo(k, a, b, ldb, c, ldc, acc)
}

func kernelNT(p int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if useAVX2 {
		kernelNTAVX2(p, &a[0], lda, &b[0], ldb, &c[0], ldc)
		return
	}
	kernelNTGo(p, a, lda, b, ldb, c, ldc)
}

// gatherEven sets dst[j] = src[2j] for every j < len(dst); src must hold
// at least 2*len(dst)-1 values.
func gatherEven(dst, src []float32) {
	groups := 0
	if useAVX2 {
		groups = min(len(dst)/8, len(src)/16)
		if groups > 0 {
			gatherEvenAVX2(&dst[0], &src[0], groups)
		}
	}
	for j := 8 * groups; j < len(dst); j++ {
		dst[j] = src[2*j]
	}
}

// scatterAddEven adds src[j] to dst[2j] for every j < len(src); dst must
// hold at least 2*len(src)-1 values.
func scatterAddEven(dst, src []float32) {
	groups := 0
	if useAVX2 {
		groups = min(len(src)/8, len(dst)/16)
		if groups > 0 {
			scatterAddEvenAVX2(&dst[0], &src[0], groups)
		}
	}
	for j := 8 * groups; j < len(src); j++ {
		dst[2*j] += src[j]
	}
}
