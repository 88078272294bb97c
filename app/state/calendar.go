package state

import "eplatform/app/calendar"

// openCalendar builds the calendar service; called at the end of Open, after the desk
// (appointments are read where the desk reads them).
func (s *State) openCalendar() {
	s.Calendar = &calendar.Service{DB: s.DB, Now: s.Now, Location: s.Desk.Location}
}
