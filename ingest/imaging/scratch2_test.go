package imaging

import (
	"fmt"
	"os"
	"testing"
)

func TestScratchHeader(t *testing.T) {
	f, _ := os.Open(os.Getenv("F"))
	st, _ := f.Stat()
	h, err := parseHeader(f, st.Size(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var dump func(d *dataset, ind string)
	dump = func(d *dataset, ind string) {
		for _, e := range d.elems {
			v := e.value
			if len(v) > 24 {
				v = v[:24]
			}
			fmt.Printf("%s(%04X,%04X) %s len=%d %q\n", ind, e.tag>>16, e.tag&0xFFFF, e.vr, e.length, v)
			for _, it := range e.items {
				fmt.Println(ind + "  item")
				dump(it, ind+"    ")
			}
		}
	}
	dump(h.meta, "M ")
	dump(h.ds, "")
	fmt.Printf("pix %+v enc %+v syntax %s\n", h.pix, h.enc, h.syntax.uid)
}
