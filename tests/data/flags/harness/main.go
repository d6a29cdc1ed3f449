package main

func darkMode(client *harness.CfClient, target dto.Target) bool {
	result, _ := client.BoolVariation("go-dark-mode", &target, false)
	return result
}
