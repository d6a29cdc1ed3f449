import UnleashProxyClientSwift

func fast(unleash: UnleashClient) -> Bool {
    let variant = unleash.getVariant(name: "swift-checkout-variant")
    return unleash.isEnabled(name: "swift-fast-checkout") && variant.enabled
}
