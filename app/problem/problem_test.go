package problem_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"eplatform/app/form"
	"eplatform/app/problem"
)

func TestKindsMapToStatuses(t *testing.T) {
	cases := map[problem.Kind]int{
		problem.KindInternal:     500,
		problem.KindInvalid:      400,
		problem.KindUnauthorized: 401,
		problem.KindForbidden:    403,
		problem.KindNotFound:     404,
		problem.KindConflict:     409,
		problem.KindTooLarge:     413,
		problem.KindUnsupported:  415,
		problem.KindRateLimited:  429,
		problem.KindUnavailable:  503,
		problem.Kind(200):        500,
	}
	for k, want := range cases {
		if got := k.Status(); got != want {
			t.Errorf("%d.Status() = %d, want %d", k, got, want)
		}
	}
}

func TestKindSurvivesWrapping(t *testing.T) {
	sentinel := problem.Conflict("This attempt has already been submitted.")
	err := fmt.Errorf("submit attempt 7: %w", sentinel)
	if !errors.Is(err, sentinel) {
		t.Fatal("errors.Is lost the sentinel through wrapping")
	}
	if problem.KindOf(err) != problem.KindConflict || !problem.Is(err, problem.KindConflict) {
		t.Fatalf("KindOf(wrapped) = %v", problem.KindOf(err))
	}
	other := problem.Conflict("This attempt has already been submitted.")
	if errors.Is(err, other) {
		t.Fatal("two problems with the same words must not match: sentences are not sentinels")
	}
	if problem.KindOf(errors.New("disk full")) != problem.KindInternal || problem.Is(nil, problem.KindInternal) {
		t.Fatal("a plain error is Internal; nil is no problem")
	}
}

func TestFieldsAndMessages(t *testing.T) {
	p := problem.Fields(form.Errors{"title": {"This field may not be blank."}, "body": {"Too long."}})
	if p.Kind != problem.KindInvalid || p.Message != "Too long." {
		t.Fatalf("Fields: kind %v, message %q (want the first field's message in name order)", p.Kind, p.Message)
	}
	p = problem.Fields(form.Errors{"title": {"x"}, form.NonField: {"The form is wrong."}})
	if p.Message != "The form is wrong." {
		t.Fatalf("a form-wide message comes first, got %q", p.Message)
	}
	up := problem.TooLarge("The image is too large: at most 5 MB.")
	f := up.WithField("image")
	if f.Kind != problem.KindTooLarge || !f.Fields.Has("image") || up.Fields != nil {
		t.Fatalf("WithField: %+v (original %+v)", f, up)
	}
	cause := errors.New("dial tcp: refused")
	u := problem.Unavailable("The cache is unavailable.", cause)
	if !errors.Is(u, cause) || u.Kind.Status() != http.StatusServiceUnavailable {
		t.Fatal("Unavailable keeps its cause")
	}
}
