fun render(gb: GBSDK) {
    val feature = gb.feature("kotlin-dark-mode")
    if (feature.on) showDark()
}
