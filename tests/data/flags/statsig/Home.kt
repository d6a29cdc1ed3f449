suspend fun fancy(user: StatsigUser): Boolean {
    val sizes = Statsig.getConfig("kotlin_home_sizes")
    return Statsig.checkGate(user, "kotlin_fancy_home")
}
