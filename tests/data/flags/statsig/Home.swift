func fancy() -> Bool {
    let sizes = Statsig.getConfig("swift_home_sizes")
    return Statsig.checkGate("swift_fancy_home")
}
