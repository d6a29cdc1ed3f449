package main

func theme(ctx context.Context, client *openfeature.Client) string {
	enabled, _ := client.BooleanValue(ctx, "go-of-checkout", false, openfeature.EvaluationContext{})
	details, _ := client.StringValueDetails(ctx, "go-of-theme", "light", openfeature.EvaluationContext{})
	if enabled {
		return details.Value
	}
	return "light"
}
