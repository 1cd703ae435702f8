package imaging

import (
	"strings"
	"unicode/utf8"

	textenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// charsets maps Specific Character Set defined terms (PS3.3 C.12.1.1.2),
// written without spaces or underscores, to decoders; ISO_IR 192 (UTF-8)
// and the default repertoire need none.
var charsets = map[string]textenc.Encoding{
	"ISOIR100": charmap.ISO8859_1, "ISOIR101": charmap.ISO8859_2,
	"ISOIR109": charmap.ISO8859_3, "ISOIR110": charmap.ISO8859_4,
	"ISOIR144": charmap.ISO8859_5, "ISOIR127": charmap.ISO8859_6,
	"ISOIR126": charmap.ISO8859_7, "ISOIR138": charmap.ISO8859_8,
	"ISOIR148": charmap.ISO8859_9, "ISOIR203": charmap.ISO8859_15,
	"ISOIR166": charmap.Windows874, "ISOIR13": japanese.ShiftJIS,
	"GB18030": simplifiedchinese.GB18030, "GBK": simplifiedchinese.GBK,
	"ISO2022IR87": japanese.ISO2022JP, "ISO2022IR159": japanese.ISO2022JP,
	"ISO2022IR149": korean.EUCKR,
}

// text returns a text element as UTF-8, decoded with the dataset's
// Specific Character Set (0008,0005). Values in the default repertoire
// pass unchanged; unknown or misspelt character sets, and bytes a set
// cannot decode, give U+FFFD instead of failing.
func (d *dataset) text(t uint32, sets []string) string {
	v := d.str(t)
	if isASCII(v) {
		return v
	}
	for _, s := range sets {
		key := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToUpper(s))
		if enc, ok := charsets[key]; ok {
			if out, err := enc.NewDecoder().String(v); err == nil {
				return out
			}
		}
	}
	return strings.ToValidUTF8(v, string(utf8.RuneError))
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
