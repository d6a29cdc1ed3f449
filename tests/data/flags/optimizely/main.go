package main

func pricing(user *client.OptimizelyUserContext) bool {
	decision := user.Decide("go-pricing-page", nil)
	return decision.Enabled
}
