fun show(flagsmith: Flagsmith) {
    flagsmith.hasFeatureFlag(featureId = "kotlin-secret-button") { result ->
        render(result.getOrDefault(false))
    }
}
