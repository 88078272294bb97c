package frag

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip header: %v", err)
	}
	r.Multistream(false)
	out, err := io.ReadAll(r) // checks the CRC-32 and the length in the trailer
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

func assemble(t testing.TB, pieces []*Piece) (identity, gz []byte) {
	t.Helper()
	var a, b bytes.Buffer
	if err := WriteIdentity(&a, pieces); err != nil {
		t.Fatal(err)
	}
	if err := WriteGzip(&b, pieces); err != nil {
		t.Fatal(err)
	}
	if a.Len() != Len(pieces) || b.Len() != GzipLen(pieces) {
		t.Fatalf("Len %d/%d, GzipLen %d/%d", Len(pieces), a.Len(), GzipLen(pieces), b.Len())
	}
	return a.Bytes(), b.Bytes()
}

func TestAssembledGzipIsTheSameBytes(t *testing.T) {
	card := strings.Repeat(`<article class="post"><p>Hello &amp; welcome</p></article>`, 40)
	pieces := []*Piece{
		MakeFast([]byte("<!doctype html><html><head><title>Home</title></head><body>")),
		Make([]byte(card)), Make([]byte("")), Make([]byte(card + "x")), Make([]byte("é€😀")),
		MakeFast([]byte("</body></html>")),
	}
	id, gz := assemble(t, pieces)
	if got := gunzip(t, gz); !bytes.Equal(got, id) {
		t.Fatalf("gunzip gives %d bytes, identity is %d", len(got), len(id))
	}
	if len(gz) > len(id)/3 {
		t.Errorf("repetitive HTML compressed to %d of %d bytes", len(gz), len(id))
	}
	// No pieces at all is still a valid, empty gzip body.
	if _, gz := assemble(t, nil); len(gunzip(t, gz)) != 0 {
		t.Fatal("empty page")
	}
}

func TestCombineMatchesChecksumOfTheWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		a := make([]byte, r.IntN(3000))
		b := make([]byte, r.IntN(3000))
		for i := range a {
			a[i] = byte(r.Uint32())
		}
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		want := crc32.ChecksumIEEE(append(append([]byte{}, a...), b...))
		if got := combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), x8nModP(uint64(len(b)))); got != want {
			t.Fatalf("combine(|a|=%d, |b|=%d) = %08x, want %08x", len(a), len(b), got, want)
		}
	}
}

func FuzzAssemble(f *testing.F) {
	f.Add([]byte("<p>a</p>"), []byte("<p>b</p>"), []byte(""))
	f.Add(bytes.Repeat([]byte{0}, 70000), []byte{255}, []byte("tail"))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		pieces := []*Piece{Make(a), MakeFast(b), Make(c), Make(a)}
		id, gz := assemble(t, pieces)
		if got := gunzip(t, gz); !bytes.Equal(got, id) {
			t.Fatal("assembled gzip differs from the identity body")
		}
	})
}

func BenchmarkWriteGzip(b *testing.B) {
	card := Make([]byte(strings.Repeat(`<article class="post"><p>Hello &amp; welcome to the feed</p></article>`, 80)))
	pieces := []*Piece{MakeFast(make([]byte, 4000))}
	for range 20 {
		pieces = append(pieces, card)
	}
	b.SetBytes(int64(Len(pieces)))
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteGzip(io.Discard, pieces); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFragmentHoles(t *testing.T) {
	raw := "<article><time>" + Mark(Hole{Kind: HoleSlot, Arg: "1700000000000"}) + "</time><p>body</p><time>" +
		Mark(Hole{Kind: HoleSlot, Arg: "42"}) + "</time></article>"
	f := Cut([]byte(raw))
	var r Response
	r.AddPiece(MakeFast([]byte("<main>")))
	r.Add(f, func(r *Response, h Hole) {
		if h.Kind != HoleSlot {
			t.Fatalf("hole kind %q", h.Kind)
		}
		r.AddPiece(Stored([]byte("at " + h.Arg)))
	})
	id, gz := assemble(t, r.Pieces())
	want := "<main><article><time>at 1700000000000</time><p>body</p><time>at 42</time></article>"
	if string(id) != want || string(gunzip(t, gz)) != want {
		t.Fatalf("assembled %q", id)
	}
	// A marker from another process (another nonce) is plain text, not a hole.
	forged := "\x1e0000000000000000t1\x1f"
	if f := Cut([]byte(forged)); len(f.parts) != 1 || f.parts[0].piece == nil {
		t.Fatal("a forged marker was taken for a hole")
	}
}

func TestStoredPieces(t *testing.T) {
	var pieces []*Piece
	for _, s := range []string{"", "a", "3 h ago", strings.Repeat("x", 300), strings.Repeat("y", 70000)} {
		pieces = append(pieces, Stored([]byte(s)), Make([]byte("<b>"+s+"</b>")))
	}
	id, gz := assemble(t, pieces)
	if got := gunzip(t, gz); !bytes.Equal(got, id) {
		t.Fatal("stored pieces broke the stream")
	}
}

// TestChainedPieces: cards compressed after the card before them decode to the same
// bytes and take far less room than cards compressed alone; a chained form is only
// used right after the piece it was made against.
func TestChainedPieces(t *testing.T) {
	s, err := NewStore(8 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	card := func(i int) []byte {
		return []byte(`<article class="card post" data-post-id="` + strings.Repeat("9", i%5+1) +
			`"><header class="post__head"><a class="post__author" href="/home/profile/someone/">Someone Tester</a></header>` +
			`<div class="post__content">post number ` + strings.Repeat("z", i) + `</div><div class="post__actions">` +
			`<form method="post" action="/home/post/1/like/" data-ajax="like"><button type="submit" class="post__action">Like</button></form></div></article>`)
	}
	var alone, chained Response
	chained.Chain = s
	var independent, together int
	for i := range 20 {
		f := Cut(card(i))
		alone.Add(f, nil)
		chained.AddKeyed(f, "card"+strconv.Itoa(i), nil)
		if i == 10 { // something else between two cards breaks the chain
			chained.AddPiece(Stored([]byte("<hr>")))
			alone.AddPiece(Stored([]byte("<hr>")))
		}
	}
	for _, p := range alone.Pieces() {
		independent += len(p.Deflate)
	}
	for _, p := range chained.Pieces() {
		together += len(p.Deflate)
	}
	idA, gzA := assemble(t, alone.Pieces())
	idC, gzC := assemble(t, chained.Pieces())
	if !bytes.Equal(idA, idC) || !bytes.Equal(gunzip(t, gzC), idC) || !bytes.Equal(gunzip(t, gzA), idA) {
		t.Fatal("chained pieces do not decode to the same page")
	}
	if together*2 > independent {
		t.Errorf("chained cards take %d bytes, alone %d", together, independent)
	}
	// The kept pair is reused: the same order gives the same pieces.
	var again Response
	again.Chain = s
	for i := range 20 {
		again.AddKeyed(Cut(card(i)), "card"+strconv.Itoa(i), nil)
	}
	if again.Pieces()[5] != chained.Pieces()[5] {
		t.Error("the pair was compressed again")
	}
}
