flagsmith = Flagsmith::Client.new(environment_key: ENV['FLAGSMITH_KEY'])
flags = flagsmith.get_environment_flags
show = flags.is_feature_enabled('ruby-secret-button')
colour = flags.get_feature_value('ruby-button-colour')
banner = flags.feature_enabled?('ruby-banner')
size = flagsmith.get_value('ruby-button-size', default: 'medium')
beta = flagsmith.feature_enabled_for_identity?('ruby-beta', 'user-42')
