fun treatment(client: SplitClient): String = client.getTreatment("android-checkout")
