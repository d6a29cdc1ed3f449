import io.getunleash.android.Unleash

fun fast(unleash: Unleash): Boolean = unleash.isEnabled("kotlin-fast-checkout")
