func fancy() -> Bool {
    return Statsig.checkGate("swift_fancy_home")
}
