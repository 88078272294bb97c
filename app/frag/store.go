package frag

import (
	"eplatform/app/cache"

	"golang.org/x/sync/singleflight"
)

// Store keeps fragments, rendering each missing one once however many ask at once.
type Store struct {
	*cache.Local[*Fragment]
	flight singleflight.Group
}

// NewStore returns a fragment store of about budget bytes.
func NewStore(budget int64) (*Store, error) {
	k, err := cache.NewLocal[*Fragment](budget, 4<<10)
	if err != nil {
		return nil, err
	}
	return &Store{Local: k}, nil
}

// Get returns the fragment under key, rendering it with render on a miss.
func (s *Store) Get(key string, render func() ([]byte, error)) (*Fragment, error) {
	if f, ok := s.Peek(key); ok {
		return f, nil
	}
	return s.Render(key, render)
}

// Peek returns the fragment under key, if kept (counted as a hit or a miss).
func (s *Store) Peek(key string) (*Fragment, bool) { return s.Local.Get(key) }

// Render renders the fragment under key and keeps it, after a Peek missed. Concurrent
// renders of one key run once.
func (s *Store) Render(key string, render func() ([]byte, error)) (*Fragment, error) {
	v, err, _ := s.flight.Do(key, func() (any, error) {
		if f, ok := s.Local.Lookup(key); ok { // another request rendered it meanwhile
			return f, nil
		}
		raw, err := render()
		if err != nil {
			return nil, err
		}
		f := Cut(raw)
		s.Set(key, f, int64(f.Size()+len(key)), 0)
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Fragment), nil
}

// After returns cur compressed as it follows prev (MakeAfter), kept under the pair of
// their keys: the same two pieces next to each other — two cards most viewers see in
// the same order — are compressed together once. prevKey must name the bytes prevRaw
// returns exactly (it is called on a miss only).
func (s *Store) After(prevKey string, prevRaw func() []byte, key string, cur *Piece) *Piece {
	pair := prevKey + "\x00" + key
	if f, ok := s.Local.Lookup(pair); ok && len(f.parts) == 1 {
		return f.parts[0].piece
	}
	p := MakeAfter(prevRaw(), cur.Raw)
	f := &Fragment{parts: []part{{piece: p}}, size: len(p.Deflate) + 32}
	// The raw bytes are cur's own, already counted with it: only the stream costs.
	s.Set(pair, f, int64(f.size+len(pair)), 0)
	return p
}

// Single returns the fragment's only piece, if it is one piece with no hole.
func (f *Fragment) Single() (*Piece, bool) {
	if len(f.parts) == 1 && f.parts[0].piece != nil {
		return f.parts[0].piece, true
	}
	return nil, false
}

// Page is a whole answer kept for anonymous visitors.
type Page struct {
	Status      int
	ContentType string
	Pieces      []*Piece
	ETag        string
}

// Size is what the page costs to keep.
func (p *Page) Size() int {
	n := 64
	for _, pc := range p.Pieces {
		n += pc.Size()
	}
	return n
}
