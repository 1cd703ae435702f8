package encoders

import (
	"os"
	"strconv"
)

func hxf(name string, def float64) float64 {
	if s := os.Getenv(name); s != "" {
		v, _ := strconv.ParseFloat(s, 64)
		return v
	}
	return def
}

func init() {
	nceWeight = hxf("HX_NCEW", nceWeight)
	nceTau = hxf("HX_NCETAU", nceTau)
	maskRate = hxf("HX_MASK", maskRate)
	noiseSD = hxf("HX_NOISE", noiseSD)
}
