require 'unleash'

UNLEASH = Unleash::Client.new(url: 'https://unleash.example.com/api', app_name: 'shop')

def fast_checkout?(context)
  UNLEASH.is_enabled?("ruby-fast-checkout", context)
end

def legacy?
  @unleash.enabled? 'ruby-legacy-checkout'
end
