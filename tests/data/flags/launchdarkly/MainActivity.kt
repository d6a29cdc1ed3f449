import com.launchdarkly.sdk.android.LDClient

class MainActivity : AppCompatActivity() {
    fun render(client: LDClient) {
        val enabled = client.boolVariation("android-checkout", false)
        val title = client.stringVariation("android-title", "Shop")
        show(enabled, title)
    }
}
