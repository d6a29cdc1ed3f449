<?php
if (PostHog::isFeatureEnabled('php-new-header', 'distinct_id_of_your_user')) {
    echo 'new';
}
