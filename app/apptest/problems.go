package apptest

import (
	"strings"
	"testing"

	"eplatform/app/problem"
)

// WantKind reports an error on t unless err is a problem of kind k (what names the
// call in the message).
func WantKind(t testing.TB, what string, err error, k problem.Kind) {
	t.Helper()
	if !problem.Is(err, k) {
		t.Errorf("%s: got %v, want a %v problem", what, err, k)
	}
}

// WantField reports an error on t unless err is an invalid-input problem whose
// messages for field contain msg.
func WantField(t testing.TB, what string, err error, field, msg string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindInvalid || !strings.Contains(strings.Join(p.Fields[field], " "), msg) {
		t.Errorf("%s: got %v, want a 400 on %s saying %q", what, err, field, msg)
	}
}
