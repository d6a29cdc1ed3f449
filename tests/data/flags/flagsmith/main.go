package main

func button(client *flagsmith.Client) bool {
	flags, _ := client.GetEnvironmentFlags(context.Background())
	enabled, _ := flags.IsFeatureEnabled("go-secret-button")
	return enabled
}
