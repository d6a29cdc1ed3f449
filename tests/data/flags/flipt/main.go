package main

func checkout(ctx context.Context, client *flipt.Client) bool {
	result, _ := client.EvaluateBoolean(ctx, &flipt.EvaluationRequest{FlagKey: "go-checkout", EntityID: "user"})
	return result.Enabled
}
