fun treatment(client: SplitClient): String {
    val many = client.getTreatments(listOf("android-header", "android-footer"), null)
    return client.getTreatment("android-checkout") + many
}
