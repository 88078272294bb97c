// Package lint holds checks of the code itself that go vet does not make, run as tests
// so that CI fails on them like on any other test.
package lint
