from flagsmith import Flagsmith

flagsmith = Flagsmith(environment_key="server-key")
flags = flagsmith.get_environment_flags()
show = flags.is_feature_enabled("py-secret-button")
colour = flags.get_feature_value("py-button-colour")
