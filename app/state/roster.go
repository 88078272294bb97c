package state

import "eplatform/app/roster"

// openRoster builds the class-list service; called at the end of Open.
func (s *State) openRoster() {
	s.Roster = &roster.Service{DB: s.DB, Cache: s.Cache, Auth: s.Auth, Log: s.Log, Now: s.Now}
}
