user = StatsigUser.new(user_id: 'a-user')
fancy = Statsig.check_gate(user, 'ruby_fancy_home')
