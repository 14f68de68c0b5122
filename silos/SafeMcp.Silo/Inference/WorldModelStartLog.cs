using SafeMcp.WorldModel.Detection;
using SafeMcp.WorldModel.Onnx;

namespace SafeMcp.Silo.Inference;

/// <summary>Says at start which tiers serve the world model and where the transformer runs (CUDA or CPU, and why not CUDA).</summary>
internal sealed partial class WorldModelStartLog(OnnxWorldModel transformer, TieringOptions tiering, ILogger<WorldModelStartLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started(log, tiering.Tier, transformer.Description, tiering.Margin, tiering.Budget.TotalMilliseconds);
        if (transformer.FallbackReason is { } reason)
        {
            CudaNotUsed(log, reason);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "World model: {Tier}; transformer {Transformer}; unsure margin {Margin}, budget {BudgetMs} ms")]
    private static partial void Started(ILogger logger, WorldModelTier tier, string transformer, double margin, double budgetMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "World model: the transformer runs on the CPU provider: {Reason}")]
    private static partial void CudaNotUsed(ILogger logger, string reason);
}
