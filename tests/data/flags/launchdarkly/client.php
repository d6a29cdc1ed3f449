<?php
$client = new LaunchDarkly\LDClient(getenv('LD_SDK_KEY'));
$context = LDContext::create('user-key-123');
$enabled = $client->variation('php-new-nav', $context, false);
$detail = $client->variationDetail("php-nav-style", $context, 'plain');
