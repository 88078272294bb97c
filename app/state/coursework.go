package state

import "eplatform/app/coursework"

// openCoursework builds the coursework services (hand-ins, grading, gradebook); called
// at the end of Open.
func (s *State) openCoursework() {
	s.Coursework = &coursework.Service{DB: s.DB, Cache: s.Cache, Notify: s.Notify, Media: s.Media, Log: s.Log, Now: s.Now}
}
