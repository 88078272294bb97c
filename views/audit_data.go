package views

// AuditPageData is /admin/audit/: the filters as typed, their choices, one page of
// entries and the links onwards.
type AuditPageData struct {
	Actor, Action, TargetKind, Since, Until string
	Actions, Kinds                          []string
	Rows                                    []AuditRow
	// Next is the link to older entries ("" on the last page); CSV exports every
	// entry the filters select.
	Next, CSV string
	Errors    FormErrors
	// Keep says how long entries are kept ("365 days", "forever").
	Keep string
}

// AuditRow is one entry.
type AuditRow struct {
	ID                  int64
	When, Actor, Action string
	// ActorHandle is "@username" beside a display name, "" when Actor is the username.
	ActorHandle       string
	Target, Label     string
	Before, After     string
	RequestID, Client string
}
