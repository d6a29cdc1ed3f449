from shop.experiments import optimizely_client

user = optimizely_client.create_user_context("user123", {"plan": "pro"})
decision = user.decide("py-pricing-page")
