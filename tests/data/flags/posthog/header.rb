posthog = PostHog::Client.new(api_key: 'phc_key')
show = posthog.is_feature_enabled('ruby-new-header', 'distinct_id_of_your_user')
