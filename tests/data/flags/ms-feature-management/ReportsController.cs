using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.Mvc;

public class ReportsController : Controller
{
    private readonly IVariantFeatureManager _featureManager;

    [FeatureGate("Reports")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        if (await _featureManager.IsEnabledAsync("Beta"))
        {
            var variant = await _featureManager.GetVariantAsync("Greeting", cancellationToken);
        }
        var newUi = await _featureManager.IsEnabledAsync(nameof(MyFeatureFlags.NewUi));
        return View();
    }
}
