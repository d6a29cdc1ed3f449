require 'ldclient-rb'

client = LaunchDarkly::LDClient.new(ENV['LD_SDK_KEY'])
context = LaunchDarkly::LDContext.with_key('user-key-123')
enabled = client.variation('new-dashboard', context, false)
layout = client.variation_detail("dashboard-layout", context, 'grid')
