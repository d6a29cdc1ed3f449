package main

func checkout(client *client.SplitClient, key string) string {
	many := client.Treatments(key, []string{"go-header", "go-footer"}, nil)
	_ = many
	return client.Treatment(key, "go-checkout", nil)
}
