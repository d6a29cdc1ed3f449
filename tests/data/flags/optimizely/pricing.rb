user = optimizely_client.create_user_context('user123', { 'plan' => 'pro' })
decision = user.decide('ruby-pricing-page')
