Future<bool> enabled(OptimizelyUserContext userContext) async {
  final decision = await userContext.decide('dart-pricing-page');
  return decision.decision?.enabled ?? false;
}
