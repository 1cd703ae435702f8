package variants

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// BGZF (SAM/BAM specification, section 4.1) is gzip made of independent
// members of at most 64 KiB, each naming its own compressed size in a "BC"
// extra subfield. Because members are independent, bgzfReader inflates
// several at once and hands the text on in file order.

const (
	bgzfHeaderLen = 12 // fixed gzip header up to and including XLEN
	bgzfMaxBlock  = 1 << 16
)

// errBGZF reports a BGZF stream that is not well formed.
var errBGZF = errors.New("bgzf")

// isBGZF reports whether head starts with a gzip member carrying the BC
// extra subfield.
func isBGZF(head []byte) bool {
	if len(head) < 18 || head[0] != 0x1f || head[1] != 0x8b || head[3]&4 == 0 {
		return false
	}
	_, ok := bgzfBlockSize(head)
	return ok
}

// bgzfBlockSize returns the total size of the member whose header starts h,
// read from its BC subfield.
func bgzfBlockSize(h []byte) (int, bool) {
	if len(h) < bgzfHeaderLen {
		return 0, false
	}
	xlen := int(binary.LittleEndian.Uint16(h[10:12]))
	extra := h[bgzfHeaderLen:]
	if len(extra) > xlen {
		extra = extra[:xlen]
	}
	for len(extra) >= 4 {
		slen := int(binary.LittleEndian.Uint16(extra[2:4]))
		if extra[0] == 'B' && extra[1] == 'C' && slen == 2 && len(extra) >= 6 {
			return int(binary.LittleEndian.Uint16(extra[4:6])) + 1, true
		}
		if 4+slen > len(extra) {
			break
		}
		extra = extra[4+slen:]
	}
	return 0, false
}

// bgzfBlock is one member travelling through the reader. Whoever claims it
// first (a worker, or Read when it gets there before any worker) inflates it
// and closes ready; a block is never inflated twice and Read never sleeps
// on a block nobody has started.
type bgzfBlock struct {
	offset  int64
	raw     []byte
	out     []byte
	err     error
	claimed atomic.Bool
	ready   chan struct{}
}

// bgzfReader inflates BGZF members in parallel and reads back in order.
type bgzfReader struct {
	ctx    context.Context
	queue  chan *bgzfBlock
	cur    *bgzfBlock
	pos    int
	err    error
	cancel context.CancelFunc
	wg     sync.WaitGroup
	pool   sync.Pool
	own    inflater // for blocks Read claims itself
}

// newBGZFReader starts reading src. Close must be called to stop the
// goroutines it starts.
func newBGZFReader(ctx context.Context, src io.Reader) *bgzfReader {
	workers := min(runtime.GOMAXPROCS(0), 4)
	ctx, cancel := context.WithCancel(ctx)
	depth := 16 + 4*workers
	z := &bgzfReader{ctx: ctx, queue: make(chan *bgzfBlock, depth), cancel: cancel,
		own: newInflater()}
	z.pool.New = func() any { return new(bgzfBlock) }
	work := make(chan *bgzfBlock, depth)
	z.wg.Add(1 + workers)
	go z.produce(ctx, bufio.NewReaderSize(src, 4*bgzfMaxBlock), work)
	for range workers {
		go z.inflateLoop(work)
	}
	return z
}

// produce splits src into members and queues them, in order, for Read,
// offering each to the workers on the way.
func (z *bgzfReader) produce(ctx context.Context, src *bufio.Reader, work chan<- *bgzfBlock) {
	defer z.wg.Done()
	defer close(work)
	defer close(z.queue)
	var off int64
	for {
		b := z.pool.Get().(*bgzfBlock)
		b.offset, b.err, b.out = off, nil, b.out[:0]
		b.ready = make(chan struct{})
		n, err := readBGZFMember(src, b)
		if err == io.EOF {
			z.pool.Put(b)
			return
		}
		off += int64(n)
		if err != nil {
			b.err = err
			b.claimed.Store(true)
			close(b.ready)
			send(ctx, z.queue, b)
			return
		}
		b.claimed.Store(false) // publishes the fields above
		select {
		case work <- b:
		default: // workers are behind; Read will inflate it
		}
		if !send(ctx, z.queue, b) {
			return
		}
	}
}

// send delivers b unless ctx ends first.
func send(ctx context.Context, ch chan<- *bgzfBlock, b *bgzfBlock) bool {
	select {
	case ch <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// readBGZFMember reads one whole member into b.raw. It returns io.EOF at a
// clean end of input.
func readBGZFMember(src *bufio.Reader, b *bgzfBlock) (int, error) {
	h, err := src.Peek(bgzfHeaderLen)
	if len(h) == 0 && err == io.EOF {
		return 0, io.EOF
	}
	if err != nil {
		return 0, fmt.Errorf("%w: truncated member header at byte %d", errBGZF, b.offset)
	}
	if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || h[3]&4 == 0 {
		return 0, fmt.Errorf("%w: byte %d does not start a BGZF member", errBGZF, b.offset)
	}
	xlen := int(binary.LittleEndian.Uint16(h[10:12]))
	h, err = src.Peek(bgzfHeaderLen + xlen)
	if err != nil {
		return 0, fmt.Errorf("%w: truncated member header at byte %d", errBGZF, b.offset)
	}
	size, ok := bgzfBlockSize(h)
	if !ok || size < bgzfHeaderLen+xlen+8 {
		return 0, fmt.Errorf("%w: member at byte %d lacks a valid BC field", errBGZF, b.offset)
	}
	b.raw = growBytes(b.raw, size)
	if _, err := io.ReadFull(src, b.raw); err != nil {
		return 0, fmt.Errorf("%w: member at byte %d is truncated", errBGZF, b.offset)
	}
	return size, nil
}

// inflateLoop inflates offered members until work closes.
func (z *bgzfReader) inflateLoop(work <-chan *bgzfBlock) {
	defer z.wg.Done()
	d := newInflater()
	for b := range work {
		d.claim(b)
	}
}

// inflater is one reusable decompressor.
type inflater struct {
	src *bytes.Reader
	fr  io.ReadCloser
}

func newInflater() inflater {
	src := bytes.NewReader(nil)
	return inflater{src: src, fr: flate.NewReader(src)}
}

// claim inflates b unless someone else already claimed it.
func (d inflater) claim(b *bgzfBlock) bool {
	if !b.claimed.CompareAndSwap(false, true) {
		return false
	}
	b.err = inflateMember(d.fr, d.src, b)
	close(b.ready)
	return true
}

// inflateMember inflates b.raw into b.out and checks the CRC and size.
func inflateMember(fr io.ReadCloser, src *bytes.Reader, b *bgzfBlock) error {
	xlen := int(binary.LittleEndian.Uint16(b.raw[10:12]))
	body := b.raw[bgzfHeaderLen+xlen : len(b.raw)-8]
	trailer := b.raw[len(b.raw)-8:]
	want := binary.LittleEndian.Uint32(trailer[0:4])
	isize := int(binary.LittleEndian.Uint32(trailer[4:8]))
	if isize > bgzfMaxBlock {
		return fmt.Errorf("%w: member at byte %d claims %d bytes", errBGZF, b.offset, isize)
	}
	src.Reset(body)
	if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
		return err
	}
	b.out = growBytes(b.out, isize)
	if _, err := io.ReadFull(fr, b.out); err != nil {
		return fmt.Errorf("%w: member at byte %d: %v", errBGZF, b.offset, err)
	}
	var one [1]byte
	if n, _ := fr.Read(one[:]); n != 0 {
		return fmt.Errorf("%w: member at byte %d inflates past its size", errBGZF, b.offset)
	}
	if crc32.ChecksumIEEE(b.out) != want {
		return fmt.Errorf("%w: member at byte %d fails its CRC", errBGZF, b.offset)
	}
	return nil
}

// Read implements io.Reader over the inflated text.
func (z *bgzfReader) Read(p []byte) (int, error) {
	for z.cur == nil || z.pos == len(z.cur.out) {
		if err := z.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, z.cur.out[z.pos:])
	z.pos += n
	return n, nil
}

// next recycles the current block and waits for the following one.
func (z *bgzfReader) next() error {
	if z.err != nil {
		return z.err
	}
	if z.cur != nil {
		z.pool.Put(z.cur)
		z.cur = nil
	}
	b, ok := <-z.queue
	if !ok {
		// The producer also stops when the context ends; that is no EOF.
		z.err = io.EOF
		if err := z.ctx.Err(); err != nil {
			z.err = err
		}
		return z.err
	}
	if !z.own.claim(b) {
		<-b.ready
	}
	if b.err != nil {
		z.err = b.err
		return b.err
	}
	z.cur, z.pos = b, 0
	return nil
}

// Close stops the goroutines and waits for them.
func (z *bgzfReader) Close() error {
	z.cancel()
	for range z.queue {
		// The producer closes the queue once it sees the cancellation.
	}
	z.wg.Wait()
	return nil
}

// growBytes returns b resized to n, reallocating only when needed.
func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
