require 'openfeature/sdk'

client = OpenFeature::SDK.build_client
dark = client.fetch_boolean_value(flag_key: 'ruby-of-dark', default_value: false)
palette = client.fetch_string_value(default_value: 'day', flag_key: 'ruby-of-palette')
