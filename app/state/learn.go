package state

import "eplatform/app/learn"

// openLearn builds the learn services; called at the end of Open.
func (s *State) openLearn() {
	s.Learn = &learn.Service{DB: s.DB, Cache: s.Cache, Notify: s.Notify, Pub: s.Hub, Media: s.Media, Log: s.Log, Now: s.Now}
}
