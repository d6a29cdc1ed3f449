<?php
$user = $optimizelyClient->createUserContext('user123', ['plan' => 'pro']);
$decision = $user->decide('php-pricing-page');
