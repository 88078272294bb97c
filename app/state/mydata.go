package state

import "eplatform/app/mydata"

// openMyData builds the data export and account deletion service; called at the end
// of Open.
func (s *State) openMyData() {
	s.MyData = &mydata.Service{
		DB: s.DB, Auth: s.Auth, Feed: s.Feed, Notify: s.Notify, Media: s.Media, Limiter: s.Limiter,
		Rules: mydata.Rules{Export: s.Limits.Export, Delete: s.Limits.DeleteAccount},
		Grace: s.Config.DeletionGrace, Log: s.Log, Now: s.Now,
	}
}
