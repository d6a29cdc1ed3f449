<?php
$growthbook = Growthbook\Growthbook::create()->withAttributes(['id' => '123']);
if ($growthbook->isOn('php-dark-mode')) {
    $color = $growthbook->getValue('php-button-color', 'blue');
}
