package main

import "github.com/Unleash/unleash-client-go/v4"

func checkout() bool {
	variant := unleash.GetVariant("go-checkout-variant")
	return unleash.IsEnabled("go-fast-checkout") && variant.Enabled
}
