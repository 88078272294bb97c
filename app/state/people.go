package state

import "eplatform/app/people"

// openPeople builds the people services; called at the end of Open.
func (s *State) openPeople() {
	s.People = &people.Service{DB: s.DB, Auth: s.Auth, Media: s.Media, Online: s.Hub.Online, Log: s.Log, Now: s.Now}
}
