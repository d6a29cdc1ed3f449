import com.posthog.PostHog

fun show(): Boolean = PostHog.isFeatureEnabled("android-new-header")
