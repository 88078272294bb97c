package api

// deskRoutes are the desk endpoints.
func (a *API) deskRoutes() []route { return nil }
