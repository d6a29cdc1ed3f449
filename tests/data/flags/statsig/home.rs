fn fancy(statsig: &Statsig, user: &StatsigUser) -> bool {
    let sizes = statsig.get_dynamic_config(user, "rust_home_sizes");
    statsig.check_gate(user, "rust_fancy_home")
}
