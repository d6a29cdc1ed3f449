fun enabled(client: ConfigCatClient, kmpClient: KmpClient): Boolean {
    val android = client.getValue(Boolean::class.java, "androidAwesomeFeature", false)
    return android && kmpClient.getValue("kmpAwesomeFeature", false)
}
