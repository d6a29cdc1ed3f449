import dev.openfeature.sdk.OpenFeatureAPI

fun pick(): Boolean {
    val client = OpenFeatureAPI.getClient()
    return client.getBooleanValue("kotlin-of-dark", false)
}
