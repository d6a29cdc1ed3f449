package main

func checkout(ctx context.Context, ldClient *ld.LDClient, user ldcontext.Context) bool {
	enabled, _ := ldClient.BoolVariation("go-checkout", user, false)
	limit, _ := ldClient.IntVariation("go-item-limit", user, 5)
	traced, _ := ldClient.BoolVariationCtx(ctx, "go-traced", user, false)
	return enabled && limit > 0 && traced
}
