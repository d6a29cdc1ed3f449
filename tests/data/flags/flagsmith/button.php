<?php
$flagsmith = new Flagsmith\Flagsmith('server-key');
$flags = $flagsmith->getEnvironmentFlags();
$show = $flags->isFeatureEnabled('php-secret-button');
