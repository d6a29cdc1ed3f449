from UnleashClient import UnleashClient

unleash_client = UnleashClient(url="https://unleash.example.com/api", app_name="shop")
unleash_client.initialize_client()

def checkout(context, toggle_name):
    fast = unleash_client.is_enabled("py-fast-checkout", context)
    variant = unleash_client.get_variant("py-checkout-variant", context)
    dynamic = unleash_client.is_enabled(toggle_name) if toggle_name else False
    return fast, variant, dynamic
