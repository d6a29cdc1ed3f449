<?php
use Unleash\Client\UnleashBuilder;

$unleash = UnleashBuilder::create()->withAppName('shop')->build();
if ($unleash->isEnabled('php-fast-checkout')) {
    echo 'fast';
}
