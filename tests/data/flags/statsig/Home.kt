suspend fun fancy(user: StatsigUser): Boolean = Statsig.checkGate(user, "kotlin_fancy_home")
