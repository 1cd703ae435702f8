//go:build !amd64

package encoders

const useAVX2 = false

func kernel(k int, a, b []float32, ldb int, c []float32, ldc int, acc bool) {
	kernelGo(k, a, b, ldb, c, ldc, acc)
}

func kernelNT(p int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	kernelNTGo(p, a, lda, b, ldb, c, ldc)
}

func gatherEven(dst, src []float32) {
	for j := range dst {
		dst[j] = src[2*j]
	}
}

func scatterAddEven(dst, src []float32) {
	for j, v := range src {
		dst[2*j] += v
	}
}

func biasReLU(y []float32, b float32) { biasReLUGo(y, b) }

func reluGrad(y, dy, out []float32) { reluGradGo(y, dy, out) }
