// Package testutil holds the small helpers that tests across the module share and
// that need nothing of the application: today, waiting for a condition that another
// goroutine or process makes true. Only tests and test-support packages import it.
package testutil
