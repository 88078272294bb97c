// Package frag keeps rendered pieces of pages (a post card, a comment, a subject card)
// as bytes, each also compressed on its own, and assembles responses from them: the
// identity body is the pieces' bytes in order, and the gzip body is a gzip header, the
// pieces' deflate streams in order, an empty final block and the trailer — compressed
// once, sent many times. Varnish serves ESI pages from cached fragments the same way.
//
// This works because every piece is compressed as a raw deflate stream that is
// sync-flushed (it ends on a byte boundary with an empty stored block) and never
// marked final: deflate streams made that way can be concatenated, and a decoder reads
// the concatenation as one stream. Each piece is compressed with no dictionary, so no
// back-reference reaches into a neighbour. The trailer's CRC-32 is combined from the
// pieces' own CRCs without reading their bytes again.
package frag

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"
)

// Piece is a piece of a response: its bytes, their deflate form and their checksum.
// Pieces are immutable once made and may be shared by any number of responses.
type Piece struct {
	Raw     []byte
	Deflate []byte // raw deflate, sync-flushed, not final
	CRC     uint32 // CRC-32 (IEEE) of Raw
	// shift is x^(8·len(Raw)) mod the CRC polynomial: what combining a CRC before
	// this piece needs (see combine).
	shift uint32
}

// Size is what the piece costs to keep in memory.
func (p *Piece) Size() int { return len(p.Raw) + len(p.Deflate) + 32 }

// Compression levels: pieces kept for many responses are worth the best ratio we can
// buy cheaply; per-request parts are compressed fast.
const (
	keptLevel    = 6
	perCallLevel = 1
)

var writers = [...]*sync.Pool{
	{New: func() any { w, _ := flate.NewWriter(io.Discard, keptLevel); return w }},    // a valid level: no error
	{New: func() any { w, _ := flate.NewWriter(io.Discard, perCallLevel); return w }}, // a valid level: no error
}

// Make compresses raw into a piece to keep. raw is kept as it is: the caller must not
// change it afterwards.
func Make(raw []byte) *Piece { return makePiece(raw, 0) }

// MakeFast is Make at a fast level, for parts made for one response (a navigation bar
// with the viewer's counters).
func MakeFast(raw []byte) *Piece { return makePiece(raw, 1) }

func makePiece(raw []byte, pool int) *Piece {
	var out bytes.Buffer
	out.Grow(len(raw)/3 + 64)
	w := writers[pool].Get().(*flate.Writer)
	w.Reset(&out)
	_, _ = w.Write(raw) // a bytes.Buffer does not fail
	_ = w.Flush()       // sync flush: ends on a byte boundary, not final
	writers[pool].Put(w)
	return &Piece{Raw: raw, Deflate: out.Bytes(), CRC: crc32.ChecksumIEEE(raw), shift: x8nModP(uint64(len(raw)))}
}

// gzipHeader is a minimal gzip member header: no name, no time, unknown OS (RFC 1952).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// finalBlock is an empty fixed-Huffman block marked final: it ends the deflate stream
// started by the pieces.
var finalBlock = []byte{0x03, 0x00}

// Len is the length of the identity body of pieces.
func Len(pieces []*Piece) int {
	n := 0
	for _, p := range pieces {
		n += len(p.Raw)
	}
	return n
}

// GzipLen is the length of the gzip body of pieces.
func GzipLen(pieces []*Piece) int {
	n := len(gzipHeader) + len(finalBlock) + 8
	for _, p := range pieces {
		if len(p.Raw) > 0 {
			n += len(p.Deflate)
		}
	}
	return n
}

// WriteIdentity writes the pieces' bytes in order.
func WriteIdentity(w io.Writer, pieces []*Piece) error {
	bufs := make(netBuffers, 0, len(pieces))
	for _, p := range pieces {
		if len(p.Raw) > 0 {
			bufs = append(bufs, p.Raw)
		}
	}
	return bufs.writeTo(w)
}

// WriteGzip writes the pieces as one gzip member.
func WriteGzip(w io.Writer, pieces []*Piece) error {
	bufs := make(netBuffers, 0, len(pieces)+3)
	bufs = append(bufs, gzipHeader)
	var crc uint32
	var size uint64
	for _, p := range pieces {
		if len(p.Raw) == 0 {
			continue
		}
		bufs = append(bufs, p.Deflate)
		crc = combine(crc, p.CRC, p.shift)
		size += uint64(len(p.Raw))
	}
	trailer := make([]byte, 0, len(finalBlock)+8)
	trailer = append(trailer, finalBlock...)
	trailer = binary.LittleEndian.AppendUint32(trailer, crc)
	trailer = binary.LittleEndian.AppendUint32(trailer, uint32(size)) // ISIZE is the size mod 2^32
	bufs = append(bufs, trailer)
	return bufs.writeTo(w)
}

// netBuffers writes several slices with as few calls as the writer allows.
type netBuffers [][]byte

func (b netBuffers) writeTo(w io.Writer) error {
	for _, s := range b {
		if _, err := w.Write(s); err != nil {
			return err
		}
	}
	return nil
}

// ---- CRC-32 combination (the method of zlib's crc32_combine) --------------------------
//
// The CRC of A followed by B is crc(A)·x^(8·|B|) ⊕ crc(B) in GF(2)[x] modulo the
// polynomial, in the reflected bit order CRC-32 uses (the pre- and post-inversions
// cancel out). Each piece keeps x^(8·|B|) mod P, so combining is one multiplication.

const poly = 0xedb88320 // CRC-32 (IEEE), reflected

// multModP returns a·b mod P, both reflected.
func multModP(a, b uint32) uint32 {
	m := uint32(1) << 31
	var p uint32
	for {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		m >>= 1
		if b&1 != 0 {
			b = b>>1 ^ poly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nTable[k] is x^(2^k) mod P.
var x2nTable = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for k := 1; k < 32; k++ {
		p = multModP(p, p)
		t[k] = p
	}
	return t
}()

// x8nModP returns x^(8·n) mod P.
func x8nModP(n uint64) uint32 {
	p := uint32(1) << 31 // x^0
	k := 3               // 8·n = n·2^3
	for n > 0 {
		if n&1 != 0 {
			p = multModP(x2nTable[k&31], p)
		}
		n >>= 1
		k++
	}
	return p
}

// combine returns the CRC of A‖B from crcA, crcB and shift = x^(8·|B|) mod P.
func combine(crcA, crcB, shift uint32) uint32 { return multModP(shift, crcA) ^ crcB }

// MakeAfter compresses raw as it follows prev in a response: prev's last 32 KiB are the
// compressor's dictionary, so back-references reach into it. A run of similar pieces —
// the cards of a feed — then compresses about as well as one stream, where pieces
// compressed on their own repeat every card's markup in full. The piece is only valid
// right after prev's bytes: the decoder resolves those references against what it has
// just written.
func MakeAfter(prev, raw []byte) *Piece {
	dict := prev
	if len(dict) > maxDistance {
		dict = dict[len(dict)-maxDistance:]
	}
	var out bytes.Buffer
	out.Grow(len(raw)/4 + 64)
	w, _ := flate.NewWriterDict(&out, keptLevel, dict) // a valid level: no error
	_, _ = w.Write(raw)                                // a bytes.Buffer does not fail
	_ = w.Flush()                                      // nor does flushing into one
	return &Piece{Raw: raw, Deflate: out.Bytes(), CRC: crc32.ChecksumIEEE(raw), shift: x8nModP(uint64(len(raw)))}
}

// maxDistance is how far back a deflate reference reaches.
const maxDistance = 32 << 10
