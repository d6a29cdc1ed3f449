from statsig import statsig
from statsig.statsig_user import StatsigUser

user = StatsigUser(user_id="a-user")
fancy = statsig.check_gate(user, "py_fancy_home")
