package main

func home(s *statsig.Statsig, user *statsig.StatsigUser) bool {
	sizes := s.GetDynamicConfig(user, "go_home_sizes")
	_ = sizes
	return s.CheckGate(user, "go_fancy_home")
}
