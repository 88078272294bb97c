package state

import "eplatform/app/moderation"

// openModeration builds reports and blocks; called at the end of Open.
func (s *State) openModeration() {
	s.Moderation = &moderation.Service{DB: s.DB, Feed: s.Feed, Chat: s.Chat, Auth: s.Auth, Limiter: s.Limiter,
		ReportRule: s.Limits.Report, BlockRule: s.Limits.Block, Log: s.Log, Now: s.Now}
}
