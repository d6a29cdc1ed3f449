from microsoft.featuremanagement import FeatureManager

feature_flags = {"feature_management": {"feature_flags": [{"id": "Alpha", "enabled": True}]}}
feature_manager = FeatureManager(feature_flags)

alpha = feature_manager.is_enabled("Alpha")
beta = feature_manager.is_enabled("Beta", user="user1", groups=["group1"])
greeting = feature_manager.get_variant("Greeting", "user1")
