namespace SafeMcp.Silo.WebConsole;

/// <summary>The world model's status on this silo, as the console shows it.</summary>
/// <param name="Tier">Who decides: <c>rules</c> (rules and defenses only) or <c>rules+world-model</c>.</param>
/// <param name="Model">The model file consulted, or null.</param>
/// <param name="Checks">Checks the inference service answered since start.</param>
/// <param name="Batches">Forward passes it ran since start.</param>
/// <param name="MeanBatch">Checks a pass on average.</param>
public sealed record WorldModelStatus(string Tier, string? Model, long Checks, long Batches, double MeanBatch);
