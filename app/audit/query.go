package audit

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"eplatform/app/form"
	"eplatform/app/problem"
	"eplatform/app/store"
)

// PageSize is the admin page's and the API's default page of entries; MaxPageSize
// the largest the API gives.
const (
	PageSize    = 50
	MaxPageSize = 200
)

// ParseQuery reads the log's filters from a URL query, the same for the admin page,
// its CSV and the API: actor (username at the time), action, target_kind, target_id,
// since and until (YYYY-MM-DD, inclusive, or RFC 3339 instants), before (the id the
// previous page ended at) and page_size. A bad value is a problem naming its field.
func ParseQuery(v url.Values) (store.AuditQuery, error) {
	q := store.AuditQuery{Limit: PageSize}
	errs := form.Errors{}
	q.Actor = strings.TrimSpace(v.Get("actor"))
	if len([]rune(q.Actor)) > 150 {
		errs.Add("actor", "Ensure this value has at most 150 characters.")
	}
	q.Action, q.TargetKind = v.Get("action"), v.Get("target_kind")
	id := func(name string, dst *int64) {
		if s := v.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 1 {
				errs.Add(name, "A valid integer is required.")
			}
			*dst = n
		}
	}
	id("target_id", &q.TargetID)
	id("before", &q.BeforeID)
	when := func(name string, endOfDay bool, dst *time.Time) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			*dst = t
			return
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			errs.Add(name, "Enter a date as YYYY-MM-DD or an RFC 3339 time.")
			return
		}
		if endOfDay { // a bare date includes its whole day
			t = t.AddDate(0, 0, 1)
		}
		*dst = t
	}
	when("since", false, &q.Since)
	when("until", true, &q.Until)
	if s := v.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			errs.Add("page_size", "A valid page size (1–"+strconv.Itoa(MaxPageSize)+") is required.")
		}
		q.Limit = min(n, MaxPageSize)
	}
	for k, m := range Check(q) {
		errs[k] = append(errs[k], m...)
	}
	if len(errs) > 0 {
		return q, problem.Fields(errs)
	}
	return q, nil
}

// Check finds the filters of q that can match nothing because they do not exist (an
// unknown action or kind, a range that ends before it starts).
func Check(q store.AuditQuery) form.Errors {
	errs := form.Errors{}
	if q.Action != "" && !Known(Actions, q.Action) {
		errs.Add("action", "Select a valid choice: "+strings.Join(Actions, ", ")+".")
	}
	if q.TargetKind != "" && !Known(Kinds, q.TargetKind) {
		errs.Add("target_kind", "Select a valid choice: "+strings.Join(Kinds, ", ")+".")
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since) {
		errs.Add("until", "The end of the range must come after its start.")
	}
	return errs
}
