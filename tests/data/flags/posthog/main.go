package main

func header(client posthog.Client) bool {
	enabled, err := client.IsFeatureEnabled(posthog.FeatureFlagPayload{
		Key:        "go-new-header",
		DistinctId: "distinct_id_of_your_user",
	})
	return err == nil && enabled == true
}
