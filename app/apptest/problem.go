package apptest

import (
	"strings"
	"testing"

	"eplatform/app/problem"
)

// WantKind fails the test unless err is a problem of kind k, and returns it.
func WantKind(t testing.TB, what string, err error, k problem.Kind) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != k {
		t.Fatalf("%s: got %v, want a %v problem", what, err, k)
	}
	return p
}

// WantField fails the test unless err is a 400 problem naming field with a message
// that contains msg.
func WantField(t testing.TB, what string, err error, field, msg string) {
	t.Helper()
	p := WantKind(t, what, err, problem.KindInvalid)
	if got := strings.Join(p.Fields[field], " "); !p.Fields.Has(field) || !strings.Contains(got, msg) {
		t.Errorf("%s: %s error %q, want %q (all: %v)", what, field, got, msg, p.Fields)
	}
}
