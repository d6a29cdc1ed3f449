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

    [FeatureGate(RequirementType.Any, "Exports", "LegacyExports")]
    public IActionResult Export() => View();

    [FeatureGate(MyFeatureFlags.Archive)]
    public IActionResult Archive() => View();
}

public static class Startup
{
    public static void Configure(WebApplication app, MvcOptions options)
    {
        app.MapGet("/summary", () => "summary").WithFeatureGate("Summary");
        options.Filters.AddForFeature<AuditFilter>("Audit");
        app.UseForFeature("Telemetry", appBuilder => appBuilder.UseMiddleware<TelemetryMiddleware>());
    }
}
