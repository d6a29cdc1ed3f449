fun show(flagsmith: Flagsmith) {
    flagsmith.hasFeatureFlag(forFeatureId = "kotlin-secret-button") { result ->
        render(result.getOrDefault(false))
    }
    flagsmith.getValueForFeature("kotlin-button-colour") { result ->
        paint(result.getOrNull())
    }
}
