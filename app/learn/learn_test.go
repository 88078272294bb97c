package learn

import (
	"testing"
	"time"

	"eplatform/app/store"
)

func TestSubjectURLs(t *testing.T) {
	for code, want := range map[string]string{
		"CS101": "/home/subjects/CS101/", "my": "/home/subjects/~my/", "NEW": "/home/subjects/~NEW/",
		"my-2": "/home/subjects/my-2/", "_": "/home/subjects/_/",
	} {
		if got := SubjectURL(code); got != want {
			t.Errorf("SubjectURL(%q) = %q, want %q", code, got, want)
		}
		if seg := CodeSegment(code); CodeFromSegment(seg) != code {
			t.Errorf("%q does not round-trip through %q", code, seg)
		}
	}
}

func TestParseDue(t *testing.T) {
	for in, want := range map[string]string{
		"2027-01-15T17:00:00Z":      "2027-01-15T17:00:00Z",
		"2027-01-15T19:00:00+02:00": "2027-01-15T17:00:00Z",
		"2027-01-15T17:00":          "2027-01-15T17:00:00Z",
		"2027-01-15":                "2027-01-15T23:59:00Z",
	} {
		got, ok := ParseDue(in)
		if !ok || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("ParseDue(%q) = %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "15/01/2027", "2027-13-01"} {
		if _, ok := ParseDue(bad); ok {
			t.Errorf("ParseDue(%q) accepted", bad)
		}
	}
}

func TestPermissions(t *testing.T) {
	teach := store.User{ID: 1, UserType: "instructor", IsActive: true}
	other := store.User{ID: 2, UserType: "instructor", IsActive: true}
	admin := store.User{ID: 3, UserType: "admin", IsActive: true}
	stud := store.User{ID: 4, UserType: "student", IsActive: true}
	demoted := store.User{ID: 1, UserType: "student", IsActive: true}
	s := store.Subject{IsActive: false, Instructor: &store.UserMini{ID: 1}}
	for _, tc := range []struct {
		u                    store.User
		manage, see, enrolls bool
	}{
		{teach, true, true, true}, {other, false, false, false}, {admin, true, true, true},
		{stud, false, false, false}, {demoted, false, false, false},
	} {
		if CanManage(tc.u, s) != tc.manage || CanSee(tc.u, s) != tc.see || CanSeeMaterials(tc.u, s, true) != tc.enrolls {
			t.Errorf("user %d (%s) on an inactive subject: manage %v see %v materials %v", tc.u.ID, tc.u.UserType,
				CanManage(tc.u, s), CanSee(tc.u, s), CanSeeMaterials(tc.u, s, true))
		}
	}
	s.IsActive = true
	if !CanSeeMaterials(stud, s, true) || CanSeeMaterials(stud, s, false) || !CanSee(stud, s) {
		t.Error("an active subject: enrolled students see materials, others only the subject")
	}
	if CanCreateSubject(stud) || !CanCreateSubject(teach) || !CanCreateSubject(admin) {
		t.Error("only instructors and admins create subjects")
	}
}
