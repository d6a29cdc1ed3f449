fn fancy(statsig: &Statsig, user: &StatsigUser) -> bool {
    statsig.check_gate(user, "rust_fancy_home")
}
