package api

// chatRoutes are the chat endpoints.
func (a *API) chatRoutes() []route { return nil }
