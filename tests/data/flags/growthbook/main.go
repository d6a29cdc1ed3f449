package main

func render(client *gb.Client, growthbook *gb.GrowthBook) {
	color := client.EvalFeature(context.Background(), "go-button-color")
	legacy := growthbook.Feature("go-legacy-layout").On
	use(color, legacy)
}
