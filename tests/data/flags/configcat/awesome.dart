Future<bool> enabled(ConfigCatClient client) async {
  return await client.getValue(key: 'dartAwesomeFeature', defaultValue: false);
}
