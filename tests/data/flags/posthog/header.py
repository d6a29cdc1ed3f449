from posthog import Posthog

posthog = Posthog('phc_key', host='https://us.i.posthog.com')
if posthog.feature_enabled('py-new-header', 'distinct_id_of_your_user'):
    variant = posthog.get_feature_flag('py-header-variant', 'distinct_id_of_your_user')
