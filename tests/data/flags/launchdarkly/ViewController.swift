import LaunchDarkly

final class ViewController: UIViewController {
    func refresh(flagKey: String) {
        let enabled = LDClient.get()!.boolVariation(forKey: "ios-checkout", defaultValue: false)
        let title = LDClient.get()?.stringVariation(forKey: flagKey, defaultValue: "")
        render(enabled, title)
    }
}
