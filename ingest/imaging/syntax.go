package imaging

// codecKind names the decoder a transfer syntax's pixel data needs.
type codecKind int

const (
	codecNative    codecKind = iota // uncompressed, in the dataset's byte order
	codecRLE                        // RLE Lossless (PS3.5 Annex G)
	codecJPEG                       // ISO 10918-1, lossy or lossless processes
	codecJPEGLS                     // ISO 14495-1
	codecJ2K                        // ISO 15444-1, also High-Throughput (15444-15)
	codecEncNative                  // encapsulated uncompressed frames
	codecNone                       // no decoder exists in clinfuse
)

// syntax describes one transfer syntax (PS3.5 Section 10 and Annex A;
// PS3.6 Annex A for the UIDs).
type syntax struct {
	uid, name    string
	implicit     bool // implicit VR
	bigEndian    bool
	deflated     bool // dataset after the file meta is deflated (RFC 1951)
	encapsulated bool // Pixel Data is a sequence of fragments
	codec        codecKind
	lossy        bool // the encoding may change pixel values
}

const (
	uidImplicitLE = "1.2.840.10008.1.2"
	uidExplicitLE = "1.2.840.10008.1.2.1"
	uidExplicitBE = "1.2.840.10008.1.2.2"
)

// syntaxes lists every transfer syntax the standard defines for images,
// whether or not this build decodes it.
var syntaxes = []syntax{
	{uid: uidImplicitLE, name: "Implicit VR Little Endian", implicit: true},
	{uid: uidExplicitLE, name: "Explicit VR Little Endian"},
	{uid: "1.2.840.10008.1.2.1.98", name: "Encapsulated Uncompressed Explicit VR Little Endian",
		encapsulated: true, codec: codecEncNative},
	{uid: "1.2.840.10008.1.2.1.99", name: "Deflated Explicit VR Little Endian", deflated: true},
	{uid: uidExplicitBE, name: "Explicit VR Big Endian", bigEndian: true},
	jpeg("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true),
	jpeg("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)", true),
	jpeg("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", false),
	jpeg("1.2.840.10008.1.2.4.70",
		"JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])",
		false),
	encap("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", codecJPEGLS, false),
	encap("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression",
		codecJPEGLS, true),
	encap("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", codecJ2K, false),
	encap("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", codecJ2K, true),
	encap("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
		codecJ2K, false),
	encap("1.2.840.10008.1.2.4.202",
		"High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)",
		codecJ2K, false),
	encap("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", codecJ2K, true),
	encap("1.2.840.10008.1.2.5", "RLE Lossless", codecRLE, false),
	none("1.2.840.10008.1.2.4.92",
		"JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)"),
	none("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression"),
	none("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
	none("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
	none("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
	none("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
	none("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
	none("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
	none("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
	none("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
	none("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
	none("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
	none("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
	none("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
	none("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
	none("1.2.840.10008.1.2.4.112", "JPEG XL"),
}

func jpeg(uid, name string, lossy bool) syntax {
	return encap(uid, name, codecJPEG, lossy)
}

func encap(uid, name string, c codecKind, lossy bool) syntax {
	return syntax{uid: uid, name: name, encapsulated: true, codec: c, lossy: lossy}
}

func none(uid, name string) syntax {
	return syntax{uid: uid, name: name, encapsulated: true, codec: codecNone, lossy: true}
}

// lookupSyntax finds uid in the table; ok is false for an unknown UID.
func lookupSyntax(uid string) (syntax, bool) {
	for _, s := range syntaxes {
		if s.uid == uid {
			return s, true
		}
	}
	return syntax{uid: uid, name: "unknown"}, false
}

// TransferSyntaxName returns the standard name of a transfer syntax UID, or
// "unknown".
func TransferSyntaxName(uid string) string {
	s, _ := lookupSyntax(uid)
	return s.name
}

// errSyntax is the rejection for pixel data this build cannot decode.
func errSyntax(s syntax) error {
	return unsupported("unsupported transfer syntax %s (%s)", s.uid, s.name)
}
