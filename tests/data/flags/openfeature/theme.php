<?php
use OpenFeature\OpenFeatureAPI;

$client = OpenFeatureAPI::getInstance()->getClient('app', '1.0');
$dark = $client->getBooleanValue('php-of-dark', false);
