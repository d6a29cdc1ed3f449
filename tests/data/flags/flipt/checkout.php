<?php
use Flipt\Client\FliptClient;

$fliptClient = new FliptClient();
$result = $fliptClient->boolean('php-checkout', ['plan' => 'pro'], 'user-123');
$variant = $fliptClient->variantValue('php-theme', 'light', ['plan' => 'pro'], 'user-123');
