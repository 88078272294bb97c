package api

// peopleRoutes are the people endpoints.
func (a *API) peopleRoutes() []route { return nil }
