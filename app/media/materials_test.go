package media

import (
	"eplatform/app/problem"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// TestSaveMaterialStreams: text is checked across any chunking of the stream, the
// stored file is exactly the upload, and a refusal leaves nothing on disk.
func TestSaveMaterialStreams(t *testing.T) {
	s := Store{Root: t.TempDir()}
	text := strings.Repeat("Grüße, 世界 — ✓ ", 300) // multi-byte characters across every boundary
	f, err := s.SaveMaterial("notes.md", iotest.OneByteReader(strings.NewReader(text)))
	if err != nil {
		t.Fatalf("one byte at a time: %v", err)
	}
	got, _ := os.ReadFile(filepath.Join(s.Root, f.Path))
	if string(got) != text || f.Size != int64(len(text)) || f.Class != Document || f.ContentType != "text/markdown; charset=utf-8" {
		t.Errorf("stored %d bytes as %+v", len(got), f)
	}
	for _, tc := range []struct{ name, data string }{
		{"bad.md", text + "\xff"},
		{"cut.md", text + "\xe4\xb8"},     // ends inside a character
		{"nul.txt", text + "\x00" + text}, // a NUL after the sniffed head
		{"x.exe", "MZ\x90\x00" + text},    // unknown
		{"a.docx", "PK\x03\x04" + text},   // not a readable archive
		{"empty.pdf", ""},
	} {
		if _, err := s.SaveMaterial(tc.name, iotest.HalfReader(strings.NewReader(tc.data))); err == nil {
			t.Errorf("%s accepted", tc.name)
		} else if _, ok := IsUploadError(err); !ok {
			t.Errorf("%s: %v is not an UploadError", tc.name, err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Root, "materials"))
	if len(entries) != 1 {
		t.Errorf("%d files under materials/, want the one accepted", len(entries))
	}
	// A failing client is an UploadError too, not a server error.
	_, err = s.SaveMaterial("video.mp4", iotest.TimeoutReader(strings.NewReader("\x00\x00\x00\x18ftypisom"+strings.Repeat("\x00", 2000))))
	if _, ok := IsUploadError(err); !ok {
		t.Errorf("read error: %v", err)
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestSaveMaterialVideoLimit: a large video goes to disk without passing through
// memory, and one byte over 200 MB is refused with nothing left behind.
func TestSaveMaterialVideoLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 400 MB")
	}
	s := Store{Root: t.TempDir()}
	head := "\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
	video := func(size int64) io.Reader {
		return io.MultiReader(strings.NewReader(head), io.LimitReader(zeros{}, size-int64(len(head))))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := s.SaveMaterial("lecture.mp4", video(MaxMaterialVideo))
	runtime.ReadMemStats(&after)
	if err != nil || f.Size != MaxMaterialVideo || f.Class != Video || f.ContentType != "video/mp4" {
		t.Fatalf("a 200 MB video: %+v %v", f, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("saving 200 MB allocated %d MB: the file went through memory", alloc>>20)
	}
	_, err = s.SaveMaterial("long.mp4", video(MaxMaterialVideo+1))
	if ue, ok := IsUploadError(err); !ok || !(ue.Kind == problem.KindTooLarge) {
		t.Errorf("200 MB + 1: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Root, "materials"))
	if len(entries) != 1 {
		t.Errorf("%d files under materials/, want 1", len(entries))
	}
}
