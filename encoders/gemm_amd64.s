#include "textflag.h"

// func kernelAVX2(k int, a, b *float32, ldb int, c *float32, ldc int, acc bool)
//
// One 4x16 tile of C: Y0..Y7 hold the tile (two registers per row), each
// step of the inner dimension loads 16 floats of a row of B, broadcasts the
// 4 floats of the A panel and adds their products.
TEXT ·kernelAVX2(SB), NOSPLIT, $0-49
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R8
	SHLQ $2, R8
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R9
	SHLQ $2, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y12
	VBROADCASTSS 12(SI), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         $16, SI
	ADDQ         R8, DI
	DECQ         CX
	JNE          loop

store:
	LEAQ    (DX)(R9*1), R10
	LEAQ    (R10)(R9*1), R11
	LEAQ    (R11)(R9*1), R12
	MOVBQZX acc+48(FP), AX
	TESTQ   AX, AX
	JEQ     write
	VADDPS  (DX), Y0, Y0
	VADDPS  32(DX), Y1, Y1
	VADDPS  (R10), Y2, Y2
	VADDPS  32(R10), Y3, Y3
	VADDPS  (R11), Y4, Y4
	VADDPS  32(R11), Y5, Y5
	VADDPS  (R12), Y6, Y6
	VADDPS  32(R12), Y7, Y7

write:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, (R10)
	VMOVUPS Y3, 32(R10)
	VMOVUPS Y4, (R11)
	VMOVUPS Y5, 32(R11)
	VMOVUPS Y6, (R12)
	VMOVUPS Y7, 32(R12)
	VZEROUPPER
	RET

// func kernelNTAVX2(p int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
//
// C[3x4] += A[3 x p] * B[4 x p]^T, rows of A and B contiguous, p a multiple
// of 8. Y0..Y11 hold the twelve 8-lane partial sums (Y(4i+j) for row i of A
// and row j of B); the lanes are added in a fixed order at the end.
TEXT ·kernelNTAVX2(SB), NOSPLIT, $0-56
	MOVQ p+0(FP), CX
	SHLQ $2, CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	LEAQ (DI)(R9*1), R13
	LEAQ (R13)(R9*1), R8
	LEAQ (R8)(R9*1), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	XORQ   AX, AX
	TESTQ  CX, CX
	JEQ    reduce

ntloop:
	VMOVUPS     (SI)(AX*1), Y12
	VMOVUPS     (R11)(AX*1), Y13
	VMOVUPS     (R12)(AX*1), Y14
	VMOVUPS     (DI)(AX*1), Y15
	VFMADD231PS Y15, Y12, Y0
	VFMADD231PS Y15, Y13, Y4
	VFMADD231PS Y15, Y14, Y8
	VMOVUPS     (R13)(AX*1), Y15
	VFMADD231PS Y15, Y12, Y1
	VFMADD231PS Y15, Y13, Y5
	VFMADD231PS Y15, Y14, Y9
	VMOVUPS     (R8)(AX*1), Y15
	VFMADD231PS Y15, Y12, Y2
	VFMADD231PS Y15, Y13, Y6
	VFMADD231PS Y15, Y14, Y10
	VMOVUPS     (R9)(AX*1), Y15
	VFMADD231PS Y15, Y12, Y3
	VFMADD231PS Y15, Y13, Y7
	VFMADD231PS Y15, Y14, Y11
	ADDQ        $32, AX
	CMPQ        AX, CX
	JLT         ntloop

reduce:
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X2
	VADDPS       X2, X0, X0
	VMOVUPS      (DX), X2
	VADDPS       X2, X0, X0
	VMOVUPS      X0, (DX)
	ADDQ         R10, DX
	VHADDPS      Y5, Y4, Y4
	VHADDPS      Y7, Y6, Y6
	VHADDPS      Y6, Y4, Y4
	VEXTRACTF128 $1, Y4, X6
	VADDPS       X6, X4, X4
	VMOVUPS      (DX), X6
	VADDPS       X6, X4, X4
	VMOVUPS      X4, (DX)
	ADDQ         R10, DX
	VHADDPS      Y9, Y8, Y8
	VHADDPS      Y11, Y10, Y10
	VHADDPS      Y10, Y8, Y8
	VEXTRACTF128 $1, Y8, X10
	VADDPS       X10, X8, X8
	VMOVUPS      (DX), X10
	VADDPS       X10, X8, X8
	VMOVUPS      X8, (DX)
	VZEROUPPER
	RET

// func gatherEvenAVX2(dst, src *float32, groups int)
//
// dst[j] = src[2j] for j < 8*groups; reads src[0 .. 16*groups-1].
TEXT ·gatherEvenAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ groups+16(FP), CX
	TESTQ CX, CX
	JEQ   gdone

gloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VPERMPD $0xD8, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     gloop

gdone:
	VZEROUPPER
	RET

// func scatterAddEvenAVX2(dst, src *float32, groups int)
//
// dst[2j] += src[j] for j < 8*groups; the odd elements of dst[0 ..
// 16*groups-1] are rewritten with x + 0.
TEXT ·scatterAddEvenAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   groups+16(FP), CX
	VXORPS Y3, Y3, Y3
	TESTQ  CX, CX
	JEQ    sdone

sloop:
	VMOVUPS   (SI), Y0
	VPERMPD   $0xD8, Y0, Y0
	VUNPCKLPS Y3, Y0, Y1
	VUNPCKHPS Y3, Y0, Y2
	VADDPS    (DI), Y1, Y1
	VADDPS    32(DI), Y2, Y2
	VMOVUPS   Y1, (DI)
	VMOVUPS   Y2, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	DECQ      CX
	JNE       sloop

sdone:
	VZEROUPPER
	RET

// func biasReLUAVX2(y *float32, n int, b float32)
//
// y[i] = max(y[i] + b, 0) for i < 8*n.
TEXT ·biasReLUAVX2(SB), NOSPLIT, $0-20
	MOVQ         y+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS b+16(FP), Y1
	VXORPS       Y2, Y2, Y2
	TESTQ        CX, CX
	JEQ          rdone

rloop:
	VADDPS  (DI), Y1, Y0
	VMAXPS  Y2, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNE     rloop

rdone:
	VZEROUPPER
	RET

// func reluGradAVX2(y, dy, out *float32, n int)
//
// out[i] = dy[i] where y[i] > 0, else 0, for i < 8*n.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ   y+0(FP), SI
	MOVQ   dy+8(FP), DX
	MOVQ   out+16(FP), DI
	MOVQ   n+24(FP), CX
	VXORPS Y2, Y2, Y2
	TESTQ  CX, CX
	JEQ    gdone2

gloop2:
	VMOVUPS (SI), Y0
	VCMPPS  $0x1E, Y2, Y0, Y0
	VANDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNE     gloop2

gdone2:
	VZEROUPPER
	RET
