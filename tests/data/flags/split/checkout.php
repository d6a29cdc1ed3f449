<?php
$treatment = $splitClient->getTreatment($key, 'php-checkout', $attributes);
$many = $splitClient->getTreatments($key, ['php-header', 'php-footer']);
