<?php
$user = StatsigUser::withUserID('a-user');
$fancy = $statsig->checkGate($user, 'php_fancy_home');
$sizes = $statsig->getDynamicConfig($user, 'php_home_sizes');
