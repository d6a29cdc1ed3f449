from statsig_python_core import Statsig, StatsigUser

statsig = Statsig("secret-key")
statsig.initialize().wait()

user = StatsigUser("a-user")
fancy = statsig.check_gate(user, "py_fancy_home")
sizes = statsig.get_dynamic_config(user, "py_home_sizes")
