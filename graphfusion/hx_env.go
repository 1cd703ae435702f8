package graphfusion

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
