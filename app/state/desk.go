package state

import "eplatform/app/desk"

// openDesk builds the desk services; called at the end of Open.
func (s *State) openDesk() {
	s.Desk = &desk.Service{DB: s.DB, Notify: s.Notify, Mail: s.Mail, Log: s.Log, Now: s.Now}
}
