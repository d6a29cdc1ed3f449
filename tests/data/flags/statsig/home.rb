user = StatsigUser.new({ 'userID' => 'a-user' })
fancy = Statsig.check_gate(user, 'ruby_fancy_home')
sizes = Statsig.get_config(user, 'ruby_home_sizes')
