package apptest

import (
	"context"

	"eplatform/app/store"
)

// AuditEntries returns the audit log's entries of an action ("" for all), newest
// first, read straight from the database.
func (a *App) AuditEntries(action string) []store.AuditEntry {
	a.T.Helper()
	list, err := a.State.DB.ListAudit(context.Background(), store.AuditQuery{Action: action, Limit: 10000})
	if err != nil {
		a.T.Fatal(err)
	}
	return list
}
