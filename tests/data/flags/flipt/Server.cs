public class Server
{
    public async Task<bool> Enabled(FliptClient fliptClient, Dictionary<string, string> context)
    {
        var request = new EvaluationRequest("default", "dotnet-shared-request", "entity", context);
        var shared = await fliptClient.Evaluation.EvaluateBooleanAsync(request);
        var inline = await fliptClient.Evaluation.EvaluateBooleanAsync(new EvaluationRequest("default", "dotnet-server-checkout", "entity", context));
        return shared.Enabled && inline.Enabled;
    }
}
