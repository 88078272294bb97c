package frag

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
)

// A Fragment is a piece of page rendered once and kept: bytes, with holes where
// something must be filled in per response — the slots of a page's shell where its cards
// go. Holes are written into the rendered HTML as markers (Mark) and cut out when the
// fragment is made (Cut). Nothing that changes by itself (a relative time such as
// "3 h ago") may be kept in a fragment: pages keep absolute times and the browser makes
// them relative.
type Fragment struct {
	parts []part
	size  int
}

type part struct {
	piece *Piece
	hole  Hole // when piece is nil
}

// Hole is a place filled per response: Kind says what goes there, Arg which one.
type Hole struct {
	Kind byte
	Arg  string
}

// Hole kinds.
const (
	HoleTime byte = 't' // a relative time: Arg is Unix milliseconds
	HoleSlot byte = 's' // a page's place for the Arg-th fragment of a list
)

// Size is what the fragment costs to keep.
func (f *Fragment) Size() int { return f.size }

// markerStart begins every hole marker. A per-process random nonce makes it a string
// no user text can contain by chance or design (and user text may not hold control
// characters at all).
var markerStart = func() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "\x1e" + hex.EncodeToString(b)
}()

const markerEnd = "\x1f"

// Mark returns the marker of a hole, to render in place of its content.
func Mark(h Hole) string { return markerStart + string(h.Kind) + h.Arg + markerEnd }

// Cut makes a fragment of rendered bytes, compressing the runs between holes.
func Cut(raw []byte) *Fragment {
	f := &Fragment{}
	start := []byte(markerStart)
	for {
		i := bytes.Index(raw, start)
		if i < 0 {
			break
		}
		j := bytes.IndexByte(raw[i+len(start):], markerEnd[0])
		if j < 1 {
			break
		}
		f.add(raw[:i])
		body := raw[i+len(start) : i+len(start)+j]
		f.parts = append(f.parts, part{hole: Hole{Kind: body[0], Arg: string(body[1:])}})
		f.size += 16 + len(body)
		raw = raw[i+len(start)+j+1:]
	}
	f.add(raw)
	return f
}

func (f *Fragment) add(raw []byte) {
	if len(raw) == 0 {
		return
	}
	p := Make(bytes.Clone(raw))
	f.parts = append(f.parts, part{piece: p})
	f.size += p.Size() + 16
}

// Filler adds to r what goes in hole h, for one response (with r.AddPiece or r.Add).
type Filler func(r *Response, h Hole)

// Response collects the pieces of one response in order.
type Response struct {
	pieces []*Piece
	// Chain, when set, makes AddKeyed compress a keyed fragment against the keyed
	// fragment right before it (Store.After).
	Chain   *Store
	lastKey string // the key of the last piece when it came from AddKeyed
}

// AddKeyed appends the fragment named key. Right after another keyed one-piece
// fragment, with Chain set, it is added in the form compressed after that one.
func (r *Response) AddKeyed(f *Fragment, key string, fill Filler) {
	p, single := f.Single()
	if !single {
		r.Add(f, fill)
		return
	}
	if r.Chain != nil && r.lastKey != "" {
		prev := r.pieces[len(r.pieces)-1]
		p = r.Chain.After(r.lastKey, func() []byte { return prev.Raw }, key, p)
	}
	r.pieces = append(r.pieces, p)
	r.lastKey = key
}

// Add appends a fragment, filling its holes with fill.
func (r *Response) Add(f *Fragment, fill Filler) {
	r.lastKey = ""
	for _, p := range f.parts {
		if p.piece != nil {
			r.AddPiece(p.piece)
		} else {
			fill(r, p.hole)
		}
	}
}

// AddPiece appends a piece.
func (r *Response) AddPiece(p *Piece) {
	r.pieces = append(r.pieces, p)
	r.lastKey = ""
}

// Pieces returns the pieces added so far.
func (r *Response) Pieces() []*Piece { return r.pieces }

// Stored makes a piece of a few bytes without compressing them: a deflate stored block
// costs five bytes of header and no compressor, the cheapest way to put a hole's
// content ("3 h ago") between compressed pieces.
func Stored(raw []byte) *Piece {
	if len(raw) > 0xffff {
		return MakeFast(raw)
	}
	d := make([]byte, 5, 5+len(raw))
	d[0] = 0 // not final, stored; the stream is at a byte boundary after every piece
	binary.LittleEndian.PutUint16(d[1:], uint16(len(raw)))
	binary.LittleEndian.PutUint16(d[3:], ^uint16(len(raw)))
	d = append(d, raw...)
	return &Piece{Raw: raw, Deflate: d, CRC: crc32.ChecksumIEEE(raw), shift: shiftOf(len(raw))}
}

// shiftOf is x8nModP for short lengths from a table.
func shiftOf(n int) uint32 {
	if n < len(shortShifts) {
		return shortShifts[n]
	}
	return x8nModP(uint64(n))
}

var shortShifts = func() (t [256]uint32) {
	for i := range t {
		t[i] = x8nModP(uint64(i))
	}
	return t
}()
