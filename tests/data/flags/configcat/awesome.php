<?php
$client = new \ConfigCat\ConfigCatClient('#YOUR-SDK-KEY#');
$enabled = $client->getValue('phpAwesomeFeature', false);
